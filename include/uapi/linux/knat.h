/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * knat: NAT and layer-4 load balancing on its own flow table.
 *
 * This header is the whole protocol between knat.ko and its CLI: a generic
 * netlink family "knat" (version KNAT_GENL_VERSION), one object per command
 * group.  Every request is answered with an extended ACK; every rejection
 * carries a message naming the offending attribute.
 *
 * Byte order: addresses and ports are network order (NLA_BE32 / NLA_BE16),
 * every other integer is host order.  An IPv4 address is a __be32 (the
 * attributes named ..._ADDR, _SRC, _DST, _TO_MIN, ...); an IPv6 address is
 * 16 bytes (NLA_BINARY, exactly 16) in the attribute of the same name
 * with a 6 appended (..._ADDR6, _SRC6, ...).  An object is of one family:
 * giving both forms, or a v4 and a v6 address in one rule, is EINVAL with
 * an extack message naming the attribute.
 *
 * Permissions: status, configuration, rules, services and aggregate
 * statistics (STATUS_GET, CONFIG_GET, FORWARD_GET, SNAT_GET, SERVICE_GET,
 * BACKEND_GET, STATS_GET) are open to any user of the namespace.  Per-flow data names
 * every translated connection's endpoints, so, as with ctnetlink, it needs
 * CAP_NET_ADMIN in the namespace's user namespace: FLOW_GET (list and
 * count), FLOW_DEL, KNAT_CMD_EXPLAIN and joining the event group.  So
 * does every command that changes something (NEW, SET, DEL, STATS_RESET).
 * EPERM otherwise.  Every command's header is validated strictly
 * (genlmsghdr.reserved 0; only REQUEST, ACK, ECHO and DUMP flags).
 *
 * KNAT_CMD_STATUS_GET: no attributes.  Reply:
 *   KNAT_A_VERSION           string  module version
 *   KNAT_A_BUILD_ID          string  build identifier (compile time + host)
 *   KNAT_A_NUM_FORWARDS      u32
 *   KNAT_A_NUM_SNATS         u32
 *   KNAT_A_NUM_SERVICES      u32
 *   KNAT_A_NUM_FLOWS         u32     live flows in the caller's namespace
 *   KNAT_A_HOOKS_ACTIVE      u8      1 once netfilter hooks are registered
 *   KNAT_A_FASTPATH          u8      1 while the fast path is on
 *   KNAT_A_FLOW_BUCKETS      u32     flow table buckets (sized from max-flows
 *                                    with the first rule; 0 before it)
 *   KNAT_A_NUM_FORWARDS6     u32     of NUM_FORWARDS, the IPv6 ones
 *   KNAT_A_NUM_SNATS6        u32     of NUM_SNATS, the IPv6 ones
 *   KNAT_A_NUM_FLOWS6        u32     of NUM_FLOWS, the IPv6 ones
 *   KNAT_A_HOOKS6_ACTIVE     u8      1 while IPv6 hooks are registered
 *   KNAT_A_NUM_SERVICES6     u32     of NUM_SERVICES, the IPv6 ones
 *   KNAT_A_FASTPATH_DEVS     u32     devices with the fast path's ingress
 *                                    hook (while rules exist and it is on)
 *
 * KNAT_CMD_CONFIG_GET: no attributes.  KNAT_CMD_CONFIG_SET: any subset.
 *   KNAT_A_CONFIG            nest
 *     KNAT_CFG_A_MAX_FLOWS   u32     1 .. 16777216; new flows beyond it drop
 *     KNAT_CFG_A_TIMEOUTS    nest    attribute type = enum knat_timeout + 1
 *       <timeout>            u32     seconds, 1 .. 7 days
 *     KNAT_CFG_A_RATE_INTERVAL u32   seconds between rate estimates of
 *                                    services and backends, 1 .. 60;
 *                                    default 2
 *     KNAT_CFG_A_RATE_WINDOW u32     time constant of their smoothing,
 *                                    seconds, 1 .. 3600; default 8.  Each
 *                                    estimate moves the rate by
 *                                    elapsed / window of the way to the
 *                                    last interval's (all of it when the
 *                                    window is not longer than the
 *                                    interval), as IPVS's 2 s / 8 s one
 *     KNAT_CFG_A_LIMITS      nest    attribute type = enum knat_limit + 1
 *       <limit>              u32     1 .. 16777216: what each network
 *                                    namespace but the initial one may
 *                                    hold; module-wide.  Setting any
 *                                    needs the initial namespace and
 *                                    CAP_NET_ADMIN over the initial user
 *                                    namespace (EPERM otherwise).  A
 *                                    change applies to later requests;
 *                                    nothing that exists is removed.
 *                                    Requests beyond a limit fail with
 *                                    ENOSPC; MAX_FLOWS and MAGLEV_SIZE
 *                                    cap the values a namespace may set
 *                                    (EINVAL beyond them).
 *     KNAT_CFG_A_FASTPATH    u8      0 or 1 (default 0): established
 *                                    forwarded flows leave from
 *                                    PRE_ROUTING by the route their
 *                                    direction last took, skipping
 *                                    routing, FORWARD and POST_ROUTING
 *                                    (as nft's flowtable does)
 *
 * KNAT_CMD_FORWARD_NEW / KNAT_CMD_FORWARD_DEL / KNAT_CMD_FORWARD_GET (dump):
 *   KNAT_A_FORWARD           nest
 *     KNAT_FWD_A_PROTO       u8      IPPROTO_TCP or IPPROTO_UDP  (required)
 *     KNAT_FWD_A_ADDR        be32    match destination; 0 = any local
 *     KNAT_FWD_A_ADDR6       16 B    IPv6: match destination; :: = any local
 *     KNAT_FWD_A_PORT_MIN    be16    match destination port     (required)
 *     KNAT_FWD_A_PORT_MAX    be16    defaults to PORT_MIN
 *     KNAT_FWD_A_TO_ADDR     be32    new destination   (this or TO_ADDR6)
 *     KNAT_FWD_A_TO_ADDR6    16 B    IPv6: new destination; the rule is
 *                                    IPv6 (ADDR6 or no ADDR with it)
 *     KNAT_FWD_A_TO_PORT     be16    first new port; 0 = keep the port
 *     KNAT_FWD_A_FLOWS       u32     dump only: live flows
 *     KNAT_FWD_A_PACKETS     u64     dump only
 *     KNAT_FWD_A_BYTES       u64     dump only
 *   A port range maps one to one onto TO_PORT .. TO_PORT + (MAX - MIN).
 *   DEL matches on PROTO, ADDR and PORT_MIN.
 *
 * KNAT_CMD_SNAT_NEW / KNAT_CMD_SNAT_DEL / KNAT_CMD_SNAT_GET (dump):
 *   KNAT_A_SNAT              nest
 *     KNAT_SNAT_A_SRC        be32    source prefix address  (this or SRC6)
 *     KNAT_SNAT_A_SRC6       16 B    IPv6 source prefix: the rule is IPv6
 *     KNAT_SNAT_A_SRC_PLEN   u8      0 .. 32, IPv6 0 .. 128     (required)
 *     KNAT_SNAT_A_OUT_IFNAME string  output device; required for masquerade
 *     KNAT_SNAT_A_TO_MIN     be32    first outside address (not masquerade)
 *     KNAT_SNAT_A_TO_MAX     be32    last outside address; defaults TO_MIN
 *     KNAT_SNAT_A_TO_MIN6    16 B    IPv6: the same (at most 64 addresses,
 *     KNAT_SNAT_A_TO_MAX6    16 B    differing in the last 32 bits only)
 *     KNAT_SNAT_A_PORT_MIN   be16    outside port range; default 1024
 *     KNAT_SNAT_A_PORT_MAX   be16    default 65535
 *     KNAT_SNAT_A_FLAGS      u32     KNAT_SNAT_F_*
 *     KNAT_SNAT_A_FLOWS      u32     dump only: live flows
 *     KNAT_SNAT_A_EXHAUSTED  u64     dump only: port allocations that
 *                                    failed (each dropped as no-port)
 *     KNAT_SNAT_A_PORTS_IN_USE u32   dump only: outside ports the rule's
 *                                    mappings hold now; fewer than FLOWS
 *                                    when endpoint-independent mappings
 *                                    serve several flows
 *     KNAT_SNAT_A_ATTEMPTS   nest    dump only: port allocation attempts
 *                                    histogram; attribute type = bucket
 *                                    + 1, u64: allocations that found a
 *                                    port at the Nth candidate tried,
 *                                    bucket i holding N = 2^i .. 2^(i+1)
 *                                    - 1 (1, 2-3, 4-7, ...); a kept
 *                                    inside port is 1 attempt.  The last
 *                                    of KNAT_SNAT_ATTEMPT_BUCKETS also
 *                                    holds everything above; failures
 *                                    are EXHAUSTED
 *     KNAT_SNAT_A_ATTEMPTS_SUM u64   dump only: candidates those
 *                                    allocations tried in all
 *   DEL matches on SRC, SRC_PLEN and OUT_IFNAME.
 *
 * KNAT_CMD_FLOW_GET (dump) / KNAT_CMD_FLOW_DEL: optional filter
 *   KNAT_A_FLOW              nest
 *     KNAT_FLOW_A_PROTO      u8
 *     KNAT_FLOW_A_FAMILY     u8      AF_INET or AF_INET6 (filter: only it)
 *     KNAT_FLOW_A_ORIG       nest    tuple as the first packet carried it
 *       KNAT_TUPLE_A_SRC     be32
 *       KNAT_TUPLE_A_DST     be32
 *       KNAT_TUPLE_A_SRC6    16 B    IPv6 flows instead of SRC/DST
 *       KNAT_TUPLE_A_DST6    16 B
 *       KNAT_TUPLE_A_SPORT   be16    ICMP echo: the identifier
 *       KNAT_TUPLE_A_DPORT   be16    ICMP echo: the identifier
 *     KNAT_FLOW_A_REPLY      nest    tuple the answers carry (same layout)
 *     KNAT_FLOW_A_KIND       u8      enum knat_flow_kind
 *     KNAT_FLOW_A_STATE      u8      enum knat_tcp_state (TCP only)
 *     KNAT_FLOW_A_FLAGS      u32     KNAT_FLOW_F_*
 *     KNAT_FLOW_A_AGE        u32     seconds since creation
 *     KNAT_FLOW_A_EXPIRES    u32     seconds until expiry
 *     KNAT_FLOW_A_PKTS_ORIG  u64
 *     KNAT_FLOW_A_BYTES_ORIG u64
 *     KNAT_FLOW_A_PKTS_REPLY u64
 *     KNAT_FLOW_A_BYTES_REPLY u64
 *     KNAT_FLOW_A_SERVICE    nest    filter only: flows of one service
 *       KNAT_SVC_A_ADDR      be32    its virtual IP   (this or ADDR6 required)
 *       KNAT_SVC_A_ADDR6     16 B    an IPv6 service's virtual IP
 *       KNAT_SVC_A_PORT      be16    its port; absent: any port
 *     KNAT_FLOW_A_BACKEND    nest    filter only: flows of one backend
 *       KNAT_BE_A_ADDR       be32    (this or ADDR6 required)
 *       KNAT_BE_A_ADDR6      16 B    an IPv6 backend's address
 *       KNAT_BE_A_PORT       be16    absent: any port
 *   A filter uses PROTO, KIND, STATE, the ORIG tuple's fields, SERVICE and
 *   BACKEND (both by the service and backend that own the flow, so
 *   hairpinned flows of a service match too); an absent field matches
 *   anything.  DEL with no filter flushes the table.  A dump examines at
 *   most 1024 flow halves per answer: one that found nothing to show is
 *   an NLMSG_NOOP (skip it and read on, as libmnl does).  DEL deletes
 *   what matched when it started and returns once as many flows as the
 *   table then held are gone, even if matching flows keep arriving.
 *
 * KNAT_CMD_SERVICE_NEW / _SET / _DEL / KNAT_CMD_SERVICE_GET (dump):
 *   KNAT_A_SERVICE           nest
 *     KNAT_SVC_A_PROTO       u8      IPPROTO_TCP or IPPROTO_UDP  (required)
 *     KNAT_SVC_A_ADDR        be32    virtual IP; need not be local (this
 *                                    or ADDR6 required)
 *     KNAT_SVC_A_ADDR6       16 B    IPv6 virtual IP: the service is IPv6
 *     KNAT_SVC_A_PORT        be16    virtual port, not 0        (required)
 *     KNAT_SVC_A_SCHED       string  rr wrr lc wlc sh maglev; default wrr
 *     KNAT_SVC_A_PERSIST     u32     seconds a client address stays on its
 *                                    backend across connections; 0 = off
 *     KNAT_SVC_A_MAGLEV_SIZE u32     maglev table size, prime, default 65537
 *     KNAT_SVC_A_CHECK_FAILS u32     passive health check: failed TCP
 *                                    handshakes in a row that take a
 *                                    backend down; 0 = off; default 3
 *     KNAT_SVC_A_CHECK_TIMEOUT u32   seconds without a SYN-ACK that make a
 *                                    handshake failed (the client's SYN
 *                                    retransmission tells); default 2
 *     KNAT_SVC_A_CHECK_HOLDDOWN u32  seconds a failed backend stays out
 *                                    before one probe flow; default 10
 *     KNAT_SVC_A_CHECK_CLIENTS u32   distinct client addresses whose
 *                                    handshakes must have failed (among
 *                                    the CHECK_FAILS; the clients within
 *                                    10 x CHECK_TIMEOUT) to take a
 *                                    backend down: one client alone
 *                                    cannot; 1..8, default 2
 *     KNAT_SVC_A_NUM_BACKENDS u32    dump only: backends BACKEND_GET lists
 *                                    for it (draining ones too)
 *     KNAT_SVC_A_STATS       nest    dump only, when asked: see below
 *   SET changes SCHED, PERSIST, MAGLEV_SIZE or CHECK_* of the service
 *   named by PROTO, ADDR, PORT; DEL ends its flows.
 *
 * KNAT_CMD_BACKEND_NEW / _SET / _DEL: KNAT_A_SERVICE (PROTO, ADDR, PORT)
 * names the service, and
 *   KNAT_A_BACKEND           nest
 *     KNAT_BE_A_ADDR         be32    backend address  (this or ADDR6 required)
 *     KNAT_BE_A_ADDR6        16 B    IPv6 backend address; a backend is of
 *                                    its service's family (EINVAL else)
 *     KNAT_BE_A_PORT         be16    backend port; 0 = the service's port
 *     KNAT_BE_A_WEIGHT       u32     0 .. 65535, default 1; 0 = drain: no
 *                                    new flows, existing ones continue
 *     KNAT_BE_A_STATE        u8      SET: KNAT_BACKEND_UP or _DOWN; dump:
 *                                    enum knat_backend_state
 *     KNAT_BE_A_DRAIN        u32     DEL: seconds to drain before removal
 *                                    (0 = remove now and end its flows)
 *     KNAT_BE_A_HEALTH       u8      dump only: enum knat_backend_health
 *     KNAT_BE_A_STATS        nest    dump only, when asked: see below
 *
 * Listing services and backends, as IPVS does (IPVS_CMD_GET_SERVICE and
 * IPVS_CMD_GET_DEST): two dumps, each one object per message, so no
 * message grows with the number of backends.
 *   KNAT_CMD_SERVICE_GET (dump): one message per service, a KNAT_A_SERVICE
 *     nest with no backend in it.  Request: optional KNAT_A_WITH_STATS.
 *   KNAT_CMD_BACKEND_GET (dump): one message per backend: KNAT_A_SERVICE
 *     (PROTO, ADDR, PORT of its service) and KNAT_A_BACKEND.  Request:
 *     optional KNAT_A_SERVICE (PROTO, ADDR, PORT): that service's backends
 *     only (ENOENT if there is no such service); without it every
 *     service's, service by service in SERVICE_GET's order.  Optional
 *     KNAT_A_WITH_STATS.
 *   KNAT_A_WITH_STATS        flag    add the STATS nest to each object;
 *                                    without it a dump carries no counter
 *   Both dumps fill each answer as far as it goes and resume from the
 *   position they stopped at (service, then backend within it).  An
 *   object added or removed during a dump may be missed or, moving an
 *   other one, make it seen twice; a quiet table is listed whole.
 *   The STATS nest, enum knat_lbstats_attr, the same for both:
 *     KNAT_LBSTATS_A_FLOWS   u32     live flows
 *     KNAT_LBSTATS_A_ACTIVE  u32     TCP flows in ESTABLISHED
 *     KNAT_LBSTATS_A_INACTIVE u32    all its other flows (other TCP
 *                                    states, UDP), as ipvsadm's
 *                                    ActiveConn / InActConn
 *     KNAT_LBSTATS_A_CONNS   u64     flows ever scheduled
 *     KNAT_LBSTATS_A_PKTS_IN u64     client -> backend
 *     KNAT_LBSTATS_A_BYTES_IN u64
 *     KNAT_LBSTATS_A_PKTS_OUT u64    backend -> client
 *     KNAT_LBSTATS_A_BYTES_OUT u64
 *     KNAT_LBSTATS_A_HANDSHAKE nest  enum knat_hs_attr; a service's is the
 *                                    sum of its backends'
 *     KNAT_LBSTATS_A_RATE    nest    enum knat_rate_attr; a service's is
 *                                    the sum of its backends' rates
 *     KNAT_LBSTATS_A_CHECK_FAILED u64  backend only: failed handshakes seen
 *     KNAT_LBSTATS_A_CHECK_DOWNS u64   backend only: times taken down
 *     KNAT_LBSTATS_A_MOVED   u32     service only: maglev slots that
 *                                    changed backend at the last
 *                                    backend-set change
 *     KNAT_LBSTATS_A_ICMP    nest    service only: attribute type = enum
 *                                    knat_counter + 1, u64, only the
 *                                    KNAT_CNT_ICMP_* type/code counters,
 *                                    ICMP_ERR_TRANSLATED and VIP_ECHO: the
 *                                    ICMP messages that belong to the
 *                                    service, i.e. errors about its flows
 *                                    (either direction, translated or
 *                                    dropped) and echo requests to its VIP.
 *                                    A VIP shared by several services
 *                                    counts its pings on each of them (and
 *                                    once in the global counters)
 *     KNAT_LBSTATS_A_ICMP_DROPS nest service only: attribute type = enum
 *                                    knat_drop + 1, u64; only
 *                                    ICMP_UNRELATED, for errors about its
 *                                    flows
 *
 * KNAT_CMD_RESTORE: a whole configuration as one transaction ("knat
 * restore"); needs what every change needs.
 *   KNAT_A_RESTORE_FLUSH     flag    the ops are the whole configuration:
 *                                    forwards, SNAT rules, services and
 *                                    backends they do not name go (their
 *                                    flows with them), as DEL removes
 *                                    them; what they name stays, and what
 *                                    they name unchanged keeps its flows
 *                                    and counters.  Without it the ops add
 *                                    to what exists (EEXIST as NEW would)
 *   KNAT_A_RESTORE_OPS       nest    KNAT_RESTORE_A_OP nests, in order;
 *                                    may repeat (an attribute holds 64 KiB
 *                                    at most): their ops in their order
 *     KNAT_OP_A_CMD          u8      KNAT_CMD_CONFIG_SET, _FORWARD_NEW,
 *                                    _SNAT_NEW, _SERVICE_NEW, _BACKEND_NEW
 *                                    or _BACKEND_SET
 *     KNAT_OP_A_ATTRS        nest    the attributes that command takes,
 *                                    checked as that command checks them
 *   Either every op applies or none does: forwards and SNAT rules are
 *   built as new tables beside the live ones and swapped in at once (in
 *   the ops' order, which is SNAT's matching order); service changes are
 *   undone on failure.  On failure extack's offset points into the
 *   failing op (at least at its KNAT_RESTORE_A_OP nest), so a caller
 *   can name its line.
 *
 * KNAT_CMD_EVENT, multicast to the "events" group (joining it needs
 * CAP_NET_ADMIN in the namespace's user namespace: flow events name
 * connections):
 *   KNAT_A_EVENT             nest
 *     KNAT_EV_A_TYPE         u8      enum knat_event_type
 *     KNAT_EV_A_SEQ          u32     per namespace, +1 each event made while
 *                                    someone listens; a gap
 *                                    means events were lost
 *   KNAT_A_SERVICE           nest    PROTO, ADDR, PORT (backend events)
 *   KNAT_A_BACKEND           nest    ADDR, PORT, STATE, HEALTH
 *   KNAT_A_FLOW              nest    as in the flow dump (flow events)
 * KNAT_EVENT_FLOW_STATE (a TCP flow changed state) also has, in the
 * KNAT_A_EVENT nest:
 *     KNAT_EV_A_OLD_STATE    u8      enum knat_tcp_state it left
 *     KNAT_EV_A_NEW_STATE    u8      enum knat_tcp_state it entered
 * KNAT_EVENT_PORT_EXHAUSTED (an SNAT rule found no port for a new flow):
 *   KNAT_A_SNAT              nest    the rule as in the SNAT dump, without
 *                                    the dump-only attributes; for a
 *                                    masquerade rule TO_MIN = TO_MAX = the
 *                                    device address that had no port left
 *   KNAT_A_FLOW              nest    PROTO and ORIG only: the inside tuple
 *                                    that found no port
 * Flow events (new, state, destroy) are sent only while someone listens,
 * at most 20000 a second per namespace; port exhaustion events at most
 * 10 a second.  The rest are counted as events-lost (and leave a gap in
 * the sequence numbers).
 *
 * KNAT_CMD_EXPLAIN: what knat would do now with the first packet of a
 * connection (TCP SYN, UDP datagram, ICMP or ICMPv6 echo request),
 * without doing it: no flow, port, persistence entry, scheduler turn or
 * counter is taken.  Request:
 *   KNAT_A_EXPLAIN           nest
 *     KNAT_EXP_A_PROTO       u8      IPPROTO_TCP, _UDP, _ICMP (IPv4) or
 *                                    _ICMPV6 (IPv6)             (required)
 *     KNAT_EXP_A_SRC         be32    (this or SRC6)             (required)
 *     KNAT_EXP_A_DST         be32    (this or DST6)             (required)
 *     KNAT_EXP_A_SRC6        16 B    IPv6 packet: SRC6 and DST6 instead
 *     KNAT_EXP_A_DST6        16 B    of SRC and DST, never a mix
 *     KNAT_EXP_A_SPORT       be16    TCP/UDP (required); ICMP: the echo id
 *     KNAT_EXP_A_DPORT       be16    TCP/UDP (required); ICMP: absent
 *     KNAT_EXP_A_IIF         string  input device; default: the one a
 *                                    route back to SRC leaves by
 *     KNAT_EXP_A_LOCAL       flag    sent by this host (LOCAL_OUT); not
 *                                    with IIF
 * Reply, KNAT_A_EXPLAIN nest:
 *     KNAT_EXP_A_PROTO, _SRC, _DST, _SPORT, _DPORT   as asked (IPv6:
 *                                    _SRC6 and _DST6 for _SRC and _DST)
 *     KNAT_EXP_A_IIF         string  the input device used (not local)
 *     KNAT_EXP_A_LOCAL       flag    evaluated as sent by this host
 *     KNAT_EXP_A_VERDICT     u8      enum knat_explain_verdict
 *     KNAT_EXP_A_DROP        u8      enum knat_drop, verdict DROP only
 *     KNAT_EXP_A_FLAGS       u32     KNAT_EXPLAIN_F_*
 *     KNAT_EXP_A_OUT         nest    tuple (KNAT_TUPLE_A_*) the packet
 *                                    leaves with; verdicts FLOW, FORWARD,
 *                                    SERVICE, SNAT.  IPv6: TUPLE_A_SRC6
 *                                    and _DST6, as in the flow dump
 *     KNAT_EXP_A_REPLY       nest    tuple its answers arrive with, which
 *                                    knat maps back to the request's
 *     KNAT_EXP_A_KIND        u8      enum knat_flow_kind of the flow
 *     KNAT_EXP_A_STATE       u8      verdict FLOW, TCP: enum knat_tcp_state
 *     KNAT_EXP_A_FORWARD     nest    the forward matched: KNAT_FWD_A_PROTO,
 *                                    ADDR, PORT_MIN, PORT_MAX, TO_ADDR,
 *                                    TO_PORT; an IPv6 one ADDR6 and
 *                                    TO_ADDR6 for ADDR and TO_ADDR
 *     KNAT_EXP_A_SERVICE     nest    the service matched: KNAT_SVC_A_PROTO,
 *                                    ADDR (IPv6: ADDR6), PORT, SCHED
 *     KNAT_EXP_A_BACKEND     nest    the backend chosen: KNAT_BE_A_ADDR
 *                                    (IPv6: ADDR6), PORT
 *     KNAT_EXP_A_SNAT        nest    the SNAT rule matched: KNAT_SNAT_A_SRC,
 *                                    SRC_PLEN, OUT_IFNAME, TO_MIN, TO_MAX,
 *                                    PORT_MIN, PORT_MAX, FLAGS; an IPv6
 *                                    one SRC6, TO_MIN6, TO_MAX6 for SRC,
 *                                    TO_MIN, TO_MAX
 *     KNAT_EXP_A_OIF         string  output device, when routed
 *     KNAT_EXP_A_PORT_MIN    be16    with F_PORT_RANDOM: the range the
 *     KNAT_EXP_A_PORT_MAX    be16    port is drawn from at random; OUT's
 *                                    source and REPLY's destination port
 *                                    are then 0
 * A DROP verdict is the reason the packet would be counted under.  The
 * answer holds for the configuration and flows of the moment: a packet
 * sent later meets whatever changed in between.
 *
 * KNAT_CMD_STATS_GET: no attributes.  KNAT_CMD_STATS_RESET: no attributes.
 *   KNAT_A_STATS             nest
 *     KNAT_STATS_A_COUNTERS  nest    attribute type = enum knat_counter + 1
 *       <counter>            u64
 *     KNAT_STATS_A_DROPS     nest    attribute type = enum knat_drop + 1
 *       <drop reason>        u64
 *     KNAT_STATS_A_TCP_STATES nest   attribute type = enum knat_tcp_state + 1
 *       <flows in the state now> u32
 *     KNAT_STATS_A_HANDSHAKE nest    enum knat_hs_attr (histogram)
 *     KNAT_STATS_A_FLOWS     nest    enum knat_flows_attr: live flows now
 *                                    by protocol, u32 each
 */
#ifndef _UAPI_LINUX_KNAT_H
#define _UAPI_LINUX_KNAT_H

#include <linux/types.h>

#define KNAT_GENL_NAME		"knat"
#define KNAT_GENL_VERSION	1
#define KNAT_GENL_MCGRP_EVENTS	"events"

enum knat_cmd {
	KNAT_CMD_UNSPEC,
	KNAT_CMD_STATUS_GET,
	KNAT_CMD_CONFIG_GET,
	KNAT_CMD_CONFIG_SET,
	KNAT_CMD_FORWARD_NEW,
	KNAT_CMD_FORWARD_DEL,
	KNAT_CMD_FORWARD_GET,
	KNAT_CMD_SNAT_NEW,
	KNAT_CMD_SNAT_DEL,
	KNAT_CMD_SNAT_GET,
	KNAT_CMD_FLOW_GET,
	KNAT_CMD_FLOW_DEL,
	KNAT_CMD_STATS_GET,
	KNAT_CMD_STATS_RESET,
	KNAT_CMD_SERVICE_NEW,
	KNAT_CMD_SERVICE_SET,
	KNAT_CMD_SERVICE_DEL,
	KNAT_CMD_SERVICE_GET,
	KNAT_CMD_BACKEND_NEW,
	KNAT_CMD_BACKEND_SET,
	KNAT_CMD_BACKEND_DEL,
	KNAT_CMD_EVENT,		/* multicast on "events" only */
	KNAT_CMD_EXPLAIN,
	KNAT_CMD_BACKEND_GET,
	KNAT_CMD_RESTORE,

	__KNAT_CMD_MAX,
	KNAT_CMD_MAX = __KNAT_CMD_MAX - 1
};

enum knat_attr {
	KNAT_A_UNSPEC,
	KNAT_A_PAD,
	KNAT_A_VERSION,
	KNAT_A_BUILD_ID,
	KNAT_A_NUM_FORWARDS,
	KNAT_A_NUM_SNATS,
	KNAT_A_NUM_SERVICES,
	KNAT_A_NUM_FLOWS,
	KNAT_A_HOOKS_ACTIVE,
	KNAT_A_CONFIG,
	KNAT_A_FORWARD,
	KNAT_A_SNAT,
	KNAT_A_FLOW,
	KNAT_A_STATS,
	KNAT_A_SERVICE,
	KNAT_A_BACKEND,
	KNAT_A_EVENT,
	KNAT_A_EXPLAIN,
	KNAT_A_WITH_STATS,
	KNAT_A_RESTORE_FLUSH,
	KNAT_A_RESTORE_OPS,
	KNAT_A_FASTPATH,
	KNAT_A_FLOW_BUCKETS,
	KNAT_A_FASTPATH_DEVS,
	KNAT_A_NUM_FORWARDS6,
	KNAT_A_NUM_SNATS6,
	KNAT_A_NUM_FLOWS6,
	KNAT_A_HOOKS6_ACTIVE,
	KNAT_A_NUM_SERVICES6,

	__KNAT_A_MAX,
	KNAT_A_MAX = __KNAT_A_MAX - 1
};

enum knat_restore_attr {
	KNAT_RESTORE_A_UNSPEC,
	KNAT_RESTORE_A_OP,

	__KNAT_RESTORE_A_MAX,
	KNAT_RESTORE_A_MAX = __KNAT_RESTORE_A_MAX - 1
};

enum knat_op_attr {
	KNAT_OP_A_UNSPEC,
	KNAT_OP_A_CMD,
	KNAT_OP_A_ATTRS,

	__KNAT_OP_A_MAX,
	KNAT_OP_A_MAX = __KNAT_OP_A_MAX - 1
};

enum knat_cfg_attr {
	KNAT_CFG_A_UNSPEC,
	KNAT_CFG_A_MAX_FLOWS,
	KNAT_CFG_A_TIMEOUTS,
	KNAT_CFG_A_RATE_INTERVAL,
	KNAT_CFG_A_RATE_WINDOW,
	KNAT_CFG_A_LIMITS,
	KNAT_CFG_A_FASTPATH,

	__KNAT_CFG_A_MAX,
	KNAT_CFG_A_MAX = __KNAT_CFG_A_MAX - 1
};

/*
 * What one network namespace other than the initial one may hold (the
 * nest's attribute type is index + 1).  Module-wide; set from the initial
 * namespace only.  Defaults in comments.
 */
enum knat_limit {
	KNAT_LIMIT_FORWARDS,		/* 1024 */
	KNAT_LIMIT_SNATS,		/* 64 */
	KNAT_LIMIT_SERVICES,		/* 256 */
	KNAT_LIMIT_BACKENDS,		/* 4096, over all services */
	KNAT_LIMIT_SVC_BACKENDS,	/* 1024, of one service */
	KNAT_LIMIT_MAGLEV_SIZE,		/* 65537, largest maglev-size */
	KNAT_LIMIT_MAX_FLOWS,		/* 262144, largest max-flows */

	__KNAT_LIMIT_MAX
};

/* Flow timeouts; defaults follow RFC 4787 (UDP) and RFC 5382 (TCP). */
enum knat_timeout {
	KNAT_TIMEOUT_TCP_SYN_SENT,	/* 120 s */
	KNAT_TIMEOUT_TCP_SYN_RECV,	/* 60 s */
	KNAT_TIMEOUT_TCP_ESTABLISHED,	/* 7440 s: RFC 5382 REQ-5, 2 h 4 min */
	KNAT_TIMEOUT_TCP_FIN_WAIT,	/* 240 s: RFC 5382 transitory */
	KNAT_TIMEOUT_TCP_CLOSE_WAIT,	/* 240 s */
	KNAT_TIMEOUT_TCP_LAST_ACK,	/* 240 s */
	KNAT_TIMEOUT_TCP_TIME_WAIT,	/* 120 s */
	KNAT_TIMEOUT_TCP_CLOSE,		/* 10 s */
	KNAT_TIMEOUT_UDP_UNREPLIED,	/* 30 s */
	KNAT_TIMEOUT_UDP_REPLIED,	/* 300 s: RFC 4787 REQ-5, >= 2 min */
	KNAT_TIMEOUT_ICMP,		/* 30 s */

	__KNAT_TIMEOUT_MAX
};

enum knat_fwd_attr {
	KNAT_FWD_A_UNSPEC,
	KNAT_FWD_A_PAD,
	KNAT_FWD_A_PROTO,
	KNAT_FWD_A_ADDR,
	KNAT_FWD_A_PORT_MIN,
	KNAT_FWD_A_PORT_MAX,
	KNAT_FWD_A_TO_ADDR,
	KNAT_FWD_A_TO_PORT,
	KNAT_FWD_A_FLOWS,
	KNAT_FWD_A_PACKETS,
	KNAT_FWD_A_BYTES,
	KNAT_FWD_A_ADDR6,
	KNAT_FWD_A_TO_ADDR6,

	__KNAT_FWD_A_MAX,
	KNAT_FWD_A_MAX = __KNAT_FWD_A_MAX - 1
};

#define KNAT_SNAT_F_MASQUERADE	(1U << 0) /* source = out device's address */
#define KNAT_SNAT_F_APDM	(1U << 1) /* address-port-dependent mapping */
#define KNAT_SNAT_F_ALL		(KNAT_SNAT_F_MASQUERADE | KNAT_SNAT_F_APDM)

/* Buckets of KNAT_SNAT_A_ATTEMPTS: 1, 2-3, 4-7, ..., 64-127, 128 and more. */
#define KNAT_SNAT_ATTEMPT_BUCKETS	8

enum knat_snat_attr {
	KNAT_SNAT_A_UNSPEC,
	KNAT_SNAT_A_PAD,
	KNAT_SNAT_A_SRC,
	KNAT_SNAT_A_SRC_PLEN,
	KNAT_SNAT_A_OUT_IFNAME,
	KNAT_SNAT_A_TO_MIN,
	KNAT_SNAT_A_TO_MAX,
	KNAT_SNAT_A_PORT_MIN,
	KNAT_SNAT_A_PORT_MAX,
	KNAT_SNAT_A_FLAGS,
	KNAT_SNAT_A_FLOWS,
	KNAT_SNAT_A_EXHAUSTED,
	KNAT_SNAT_A_PORTS_IN_USE,
	KNAT_SNAT_A_ATTEMPTS,
	KNAT_SNAT_A_ATTEMPTS_SUM,
	KNAT_SNAT_A_SRC6,
	KNAT_SNAT_A_TO_MIN6,
	KNAT_SNAT_A_TO_MAX6,

	__KNAT_SNAT_A_MAX,
	KNAT_SNAT_A_MAX = __KNAT_SNAT_A_MAX - 1
};

enum knat_flow_kind {
	KNAT_FLOW_KIND_FORWARD,		/* destination rewritten */
	KNAT_FLOW_KIND_SNAT,		/* source rewritten */
	KNAT_FLOW_KIND_FORWARD_SNAT,	/* both: hairpin */
	KNAT_FLOW_KIND_SERVICE,		/* to a load-balanced backend */
	KNAT_FLOW_KIND_SERVICE_SNAT,	/* the same, hairpin */

	__KNAT_FLOW_KIND_MAX
};

enum knat_tcp_state {
	KNAT_TCP_NONE,
	KNAT_TCP_SYN_SENT,
	KNAT_TCP_SYN_RECV,
	KNAT_TCP_ESTABLISHED,
	KNAT_TCP_FIN_WAIT,
	KNAT_TCP_CLOSE_WAIT,
	KNAT_TCP_LAST_ACK,
	KNAT_TCP_TIME_WAIT,
	KNAT_TCP_CLOSE,

	__KNAT_TCP_MAX
};

#define KNAT_FLOW_F_REPLIED	(1U << 0) /* a packet came back */
#define KNAT_FLOW_F_FAST_ORIG	(1U << 1) /* original direction: route */
#define KNAT_FLOW_F_FAST_REPLY	(1U << 2) /* ... reply: cached, fast path */

enum knat_tuple_attr {
	KNAT_TUPLE_A_UNSPEC,
	KNAT_TUPLE_A_SRC,
	KNAT_TUPLE_A_DST,
	KNAT_TUPLE_A_SPORT,
	KNAT_TUPLE_A_DPORT,
	KNAT_TUPLE_A_SRC6,
	KNAT_TUPLE_A_DST6,

	__KNAT_TUPLE_A_MAX,
	KNAT_TUPLE_A_MAX = __KNAT_TUPLE_A_MAX - 1
};

enum knat_flow_attr {
	KNAT_FLOW_A_UNSPEC,
	KNAT_FLOW_A_PAD,
	KNAT_FLOW_A_PROTO,
	KNAT_FLOW_A_ORIG,
	KNAT_FLOW_A_REPLY,
	KNAT_FLOW_A_KIND,
	KNAT_FLOW_A_STATE,
	KNAT_FLOW_A_FLAGS,
	KNAT_FLOW_A_AGE,
	KNAT_FLOW_A_EXPIRES,
	KNAT_FLOW_A_PKTS_ORIG,
	KNAT_FLOW_A_BYTES_ORIG,
	KNAT_FLOW_A_PKTS_REPLY,
	KNAT_FLOW_A_BYTES_REPLY,
	KNAT_FLOW_A_SERVICE,
	KNAT_FLOW_A_BACKEND,
	KNAT_FLOW_A_FAMILY,

	__KNAT_FLOW_A_MAX,
	KNAT_FLOW_A_MAX = __KNAT_FLOW_A_MAX - 1
};

enum knat_stats_attr {
	KNAT_STATS_A_UNSPEC,
	KNAT_STATS_A_COUNTERS,
	KNAT_STATS_A_DROPS,
	KNAT_STATS_A_TCP_STATES,
	KNAT_STATS_A_HANDSHAKE,
	KNAT_STATS_A_FLOWS,

	__KNAT_STATS_A_MAX,
	KNAT_STATS_A_MAX = __KNAT_STATS_A_MAX - 1
};

/*
 * Handshake latency at the knat box: from the SYN to the ACK that
 * completes the handshake.  Bucket 0 is under 1 ms, bucket i (i >= 1)
 * from 2^(i-1) to 2^i ms, the last one everything above.  Measured in
 * jiffies: resolution 1000/HZ ms.
 */
#define KNAT_HS_BUCKETS		16

/* KNAT_STATS_A_FLOWS: live flows by protocol (the table walked at read). */
enum knat_flows_attr {
	KNAT_FLOWS_A_UNSPEC,
	KNAT_FLOWS_A_TCP,
	KNAT_FLOWS_A_UDP,
	KNAT_FLOWS_A_ICMP,

	__KNAT_FLOWS_A_MAX,
	KNAT_FLOWS_A_MAX = __KNAT_FLOWS_A_MAX - 1
};

enum knat_hs_attr {
	KNAT_HS_A_UNSPEC,
	KNAT_HS_A_PAD,
	KNAT_HS_A_BUCKETS,	/* nest: attribute type = bucket + 1, u64 */
	KNAT_HS_A_COUNT,	/* u64 */
	KNAT_HS_A_SUM_US,	/* u64 */
	KNAT_HS_A_MIN_US,	/* u64, absent when COUNT is 0 */
	KNAT_HS_A_MAX_US,	/* u64 */

	__KNAT_HS_A_MAX,
	KNAT_HS_A_MAX = __KNAT_HS_A_MAX - 1
};

/* Per-namespace event counters; attribute type in KNAT_STATS_A_COUNTERS. */
enum knat_counter {
	KNAT_CNT_PKTS_ORIG,		/* translated, original direction */
	KNAT_CNT_BYTES_ORIG,
	KNAT_CNT_PKTS_REPLY,		/* translated, reply direction */
	KNAT_CNT_BYTES_REPLY,
	KNAT_CNT_FLOWS_CREATED_TCP,
	KNAT_CNT_FLOWS_CREATED_UDP,
	KNAT_CNT_FLOWS_CREATED_ICMP,
	KNAT_CNT_FLOWS_EXPIRED,
	KNAT_CNT_ICMP_ERR_TRANSLATED,	/* ICMP errors about a flow, rewritten */
	KNAT_CNT_TCP_UNTRACKED,		/* non-SYN to a forward, no flow: passed */
	KNAT_CNT_PORT_PRESERVED,	/* SNAT kept the inside source port */
	KNAT_CNT_ICMP_ERR_UNKNOWN,	/* ICMP error about no flow: passed */
	KNAT_CNT_HAIRPIN,		/* forward flows source-NATed back */
	KNAT_CNT_VIP_ECHO,		/* pings to a service VIP answered */
	KNAT_CNT_PICKUP_ORIG,		/* maglev: a client's mid-flow TCP
					 * packet of no flow, scheduled
					 */
	KNAT_CNT_PICKUP_REPLY,		/* maglev: a backend's answer of no
					 * flow, flow rebuilt from it
					 */
	KNAT_CNT_CHECK_FAILED,		/* a backend failed a handshake */
	KNAT_CNT_CHECK_DOWN,		/* the health check took one out */
	KNAT_CNT_CHECK_UP,		/* a probe brought one back */
	/* TCP segments of tracked flows, at knat's entry hooks. */
	KNAT_CNT_TCP_SYN,		/* SYNs from the connecting side */
	KNAT_CNT_TCP_SYN_RETRANS,	/* ... again, no SYN-ACK yet */
	KNAT_CNT_TCP_HANDSHAKES,	/* handshakes completed */
	KNAT_CNT_TCP_RST_CLIENT,	/* RSTs from the connecting side */
	KNAT_CNT_TCP_RST_SERVER,	/* RSTs from the answering side */
	KNAT_CNT_TCP_FIN,		/* FINs, both sides */
	/* ICMP messages knat looked at, by type and code. */
	KNAT_CNT_ICMP_ECHO_REQUEST,
	KNAT_CNT_ICMP_ECHO_REPLY,
	KNAT_CNT_ICMP_UNREACH_NET,
	KNAT_CNT_ICMP_UNREACH_HOST,
	KNAT_CNT_ICMP_UNREACH_PROTO,
	KNAT_CNT_ICMP_UNREACH_PORT,
	KNAT_CNT_ICMP_FRAG_NEEDED,
	KNAT_CNT_ICMP_UNREACH_ADMIN,	/* codes 9, 10, 13: prohibited */
	KNAT_CNT_ICMP_UNREACH_OTHER,
	KNAT_CNT_ICMP_TIME_EXCEEDED,
	KNAT_CNT_ICMP_PARAM_PROBLEM,
	KNAT_CNT_ICMP_OTHER,
	KNAT_CNT_EVENTS_LOST,		/* flow and port exhaustion events
					 * over their rate, or not delivered
					 */
	KNAT_CNT_FLOWS_EXPIRED_TCP,	/* FLOWS_EXPIRED, by protocol */
	KNAT_CNT_FLOWS_EXPIRED_UDP,
	KNAT_CNT_FLOWS_EXPIRED_ICMP,
	KNAT_CNT_EARLY_DROP,		/* unreplied flows evicted to make room
					 * for new ones (conntrack's early_drop)
					 */
	KNAT_CNT_HEALTH_IGNORED,	/* handshake failures the health check
					 * did not count (one client, locally
					 * made or unrelated ICMP)
					 */
	/* The fast path (KNAT_CFG_A_FASTPATH). */
	KNAT_CNT_FAST_PKTS,		/* packets it sent */
	KNAT_CNT_FAST_LEARNED,		/* routes it cached for a direction */
	KNAT_CNT_FAST_SLOW_TCPFLAGS,	/* slow path: SYN, FIN or RST */
	KNAT_CNT_FAST_SLOW_IPOPTS,	/* slow path: IP options */
	KNAT_CNT_FAST_SLOW_TTL,		/* slow path: TTL would expire */
	KNAT_CNT_FAST_SLOW_MTU,		/* slow path: larger than the MTU */
	KNAT_CNT_FAST_SLOW_ROUTE,	/* slow path: route or device changed,
					 * cache dropped
					 */
	KNAT_CNT_FAST_SLOW_IIF,		/* slow path: came in another device */
	KNAT_CNT_FAST_INGRESS,		/* of KNAT_CNT_FAST_PKTS: sent from the
					 * device's ingress hook
					 */
	/* ICMPv6 messages knat looked at, by type and code (RFC 4443). */
	KNAT_CNT_ICMP6_ECHO_REQUEST,
	KNAT_CNT_ICMP6_ECHO_REPLY,
	KNAT_CNT_ICMP6_UNREACH_NOROUTE,	/* code 0 */
	KNAT_CNT_ICMP6_UNREACH_ADMIN,	/* codes 1, 5, 6: prohibited */
	KNAT_CNT_ICMP6_UNREACH_ADDR,	/* code 3 */
	KNAT_CNT_ICMP6_UNREACH_PORT,	/* code 4 */
	KNAT_CNT_ICMP6_UNREACH_OTHER,
	KNAT_CNT_ICMP6_PKT_TOOBIG,
	KNAT_CNT_ICMP6_TIME_EXCEEDED,
	KNAT_CNT_ICMP6_PARAM_PROBLEM,
	KNAT_CNT_ICMP6_ND,		/* neighbour discovery, RS/RA,
					 * redirect: never touched
					 */
	KNAT_CNT_ICMP6_OTHER,		/* MLD and the rest: never touched */

	__KNAT_CNT_MAX
};

/* Every packet knat drops is counted under exactly one of these. */
enum knat_drop {
	KNAT_DROP_MALFORMED,		/* truncated or inconsistent headers */
	KNAT_DROP_TABLE_FULL,		/* max-flows reached */
	KNAT_DROP_NO_PORT,		/* SNAT port range exhausted */
	KNAT_DROP_NO_ADDR,		/* masquerade: device has no address */
	KNAT_DROP_NOMEM,		/* allocation failed */
	KNAT_DROP_UNWRITABLE,		/* skb could not be made writable */
	KNAT_DROP_ICMP_UNRELATED,	/* ICMP error about a flow, but not
					 * addressed to that flow's endpoint
					 */
	KNAT_DROP_FRAGMENT,		/* fragment that defrag did not join */
	KNAT_DROP_TCP_NO_FLOW,		/* non-SYN TCP that SNAT would have to
					 * translate, but no flow: never leak
					 */
	KNAT_DROP_UNSUPPORTED,		/* matches SNAT, protocol not
					 * translatable (never leaked)
					 */
	KNAT_DROP_NO_ROUTE,		/* rerouting after translation failed */
	KNAT_DROP_CLASH,		/* a new flow's tuple was taken */
	KNAT_DROP_FLOW_GONE,		/* flow deleted between the hooks of
					 * a packet that still needed it
					 */
	KNAT_DROP_NO_BACKEND,		/* service with no eligible backend */
	KNAT_DROP_RATE_LIMITED,		/* VIP echo answers over their rate */
	KNAT_DROP_BAD_CHECKSUM,		/* TCP, UDP or ICMP checksum wrong */
	KNAT_DROP_TCP_BAD_FLAGS,	/* a flag combination no host sends
					 * (SYN+FIN, SYN+RST, none at all ...)
					 */
	KNAT_DROP_TCP_OUT_OF_WINDOW,	/* segment outside the flow's window:
					 * blind RST, FIN or data
					 */
	KNAT_DROP_ICMP_REDIRECT,	/* redirect about a translated flow */
	KNAT_DROP_BAD_SOURCE,		/* martian source (0/8, 127/8,
					 * broadcast, multicast)
					 */
	KNAT_DROP_PICKUP_AMBIGUOUS,	/* a backend's answer of no flow, but
					 * several services share that
					 * backend: its owner is unknown
					 */

	__KNAT_DROP_MAX
};

/* Load balancer: a service (virtual IP:port) and its backends. */
#define KNAT_SCHED_NAME_LEN	16	/* "rr" "wrr" "lc" "wlc" "sh" "maglev" */

enum knat_svc_attr {
	KNAT_SVC_A_UNSPEC,
	KNAT_SVC_A_PAD,
	KNAT_SVC_A_PROTO,
	KNAT_SVC_A_ADDR,
	KNAT_SVC_A_PORT,
	KNAT_SVC_A_SCHED,
	KNAT_SVC_A_PERSIST,
	KNAT_SVC_A_MAGLEV_SIZE,
	KNAT_SVC_A_CHECK_FAILS,
	KNAT_SVC_A_CHECK_TIMEOUT,
	KNAT_SVC_A_CHECK_HOLDDOWN,
	KNAT_SVC_A_CHECK_CLIENTS,
	KNAT_SVC_A_NUM_BACKENDS,
	KNAT_SVC_A_STATS,
	KNAT_SVC_A_ADDR6,

	__KNAT_SVC_A_MAX,
	KNAT_SVC_A_MAX = __KNAT_SVC_A_MAX - 1
};

enum knat_backend_state {
	KNAT_BACKEND_UP,
	KNAT_BACKEND_DOWN,		/* set down: no flows, old ones end */
	KNAT_BACKEND_DRAINING,		/* deleted with drain: old flows only */

	__KNAT_BACKEND_STATE_MAX
};

/* What the passive health check makes of a backend (independent of state). */
enum knat_backend_health {
	KNAT_HEALTH_OK,
	KNAT_HEALTH_FAILED,		/* handshakes failed: held down */
	KNAT_HEALTH_PROBING,		/* hold-down over: one probe flow */

	__KNAT_HEALTH_MAX
};

#define KNAT_CHECK_FAILS_DEFAULT	3	/* failed handshakes in a row */
#define KNAT_CHECK_TIMEOUT_DEFAULT	2	/* s without SYN-ACK: failed */
#define KNAT_CHECK_HOLDDOWN_DEFAULT	10	/* s down before the probe */
#define KNAT_CHECK_CLIENTS_DEFAULT	2	/* distinct clients failing */
#define KNAT_CHECK_CLIENTS_MAX		8

enum knat_event_type {
	KNAT_EVENT_UNSPEC,
	KNAT_EVENT_BACKEND_DOWN,	/* the health check took it out */
	KNAT_EVENT_BACKEND_PROBING,	/* hold-down over, one probe flow */
	KNAT_EVENT_BACKEND_UP,		/* the probe (or the admin) brought
					 * it back
					 */
	KNAT_EVENT_BACKEND_DRAINED,	/* drain over, backend removed */
	KNAT_EVENT_FLOW_NEW,		/* a flow entered the table */
	KNAT_EVENT_FLOW_DESTROY,	/* a flow left it */
	KNAT_EVENT_FLOW_STATE,		/* a TCP flow changed state */
	KNAT_EVENT_PORT_EXHAUSTED,	/* an SNAT rule had no port left */

	__KNAT_EVENT_MAX
};

enum knat_event_attr {
	KNAT_EV_A_UNSPEC,
	KNAT_EV_A_TYPE,
	KNAT_EV_A_SEQ,
	KNAT_EV_A_OLD_STATE,
	KNAT_EV_A_NEW_STATE,

	__KNAT_EV_A_MAX,
	KNAT_EV_A_MAX = __KNAT_EV_A_MAX - 1
};

enum knat_be_attr {
	KNAT_BE_A_UNSPEC,
	KNAT_BE_A_PAD,
	KNAT_BE_A_ADDR,
	KNAT_BE_A_PORT,
	KNAT_BE_A_WEIGHT,
	KNAT_BE_A_STATE,
	KNAT_BE_A_DRAIN,
	KNAT_BE_A_HEALTH,
	KNAT_BE_A_STATS,
	KNAT_BE_A_ADDR6,

	__KNAT_BE_A_MAX,
	KNAT_BE_A_MAX = __KNAT_BE_A_MAX - 1
};

/*
 * KNAT_SVC_A_STATS and KNAT_BE_A_STATS: one nest for both, as IPVS's
 * IPVS_SVC_ATTR_STATS64.  A service's counters are the sum of its
 * backends'; some members belong to one of the two only (see the top).
 */
enum knat_lbstats_attr {
	KNAT_LBSTATS_A_UNSPEC,
	KNAT_LBSTATS_A_PAD,
	KNAT_LBSTATS_A_FLOWS,		/* u32: live flows */
	KNAT_LBSTATS_A_ACTIVE,		/* u32: TCP flows in ESTABLISHED */
	KNAT_LBSTATS_A_INACTIVE,	/* u32: all its other flows */
	KNAT_LBSTATS_A_CONNS,		/* u64: flows ever scheduled */
	KNAT_LBSTATS_A_PKTS_IN,		/* u64: client -> backend */
	KNAT_LBSTATS_A_BYTES_IN,	/* u64 */
	KNAT_LBSTATS_A_PKTS_OUT,	/* u64: backend -> client */
	KNAT_LBSTATS_A_BYTES_OUT,	/* u64 */
	KNAT_LBSTATS_A_HANDSHAKE,	/* nest: enum knat_hs_attr */
	KNAT_LBSTATS_A_RATE,		/* nest: enum knat_rate_attr */
	KNAT_LBSTATS_A_CHECK_FAILED,	/* u64, backend: failed handshakes */
	KNAT_LBSTATS_A_CHECK_DOWNS,	/* u64, backend: times taken down */
	KNAT_LBSTATS_A_MOVED,		/* u32, service: maglev slots moved */
	KNAT_LBSTATS_A_ICMP,		/* nest, service: see the top */
	KNAT_LBSTATS_A_ICMP_DROPS,	/* nest, service: see the top */

	__KNAT_LBSTATS_A_MAX,
	KNAT_LBSTATS_A_MAX = __KNAT_LBSTATS_A_MAX - 1
};

/*
 * Smoothed rates of a service or backend (KNAT_LBSTATS_A_RATE),
 * each a u64 in thousandths per second: 1500 is 1.5 packets a second.
 */
#define KNAT_RATE_INTERVAL_DEFAULT	2	/* s between estimates */
#define KNAT_RATE_WINDOW_DEFAULT	8	/* s, smoothing time constant */
#define KNAT_RATE_INTERVAL_MAX		60
#define KNAT_RATE_WINDOW_MAX		3600

enum knat_rate_attr {
	KNAT_RATE_A_UNSPEC,
	KNAT_RATE_A_PAD,
	KNAT_RATE_A_CPS,	/* new flows scheduled */
	KNAT_RATE_A_PPS_IN,	/* packets, client -> backend */
	KNAT_RATE_A_PPS_OUT,	/* packets, backend -> client */
	KNAT_RATE_A_BPS_IN,	/* bytes (of IP packets), client -> backend */
	KNAT_RATE_A_BPS_OUT,	/* bytes, backend -> client */

	__KNAT_RATE_A_MAX,
	KNAT_RATE_A_MAX = __KNAT_RATE_A_MAX - 1
};

/* KNAT_CMD_EXPLAIN: what knat would do with a packet. */
enum knat_explain_verdict {
	KNAT_EXPLAIN_PASS,		/* knat leaves it untouched */
	KNAT_EXPLAIN_FLOW,		/* an existing flow translates it */
	KNAT_EXPLAIN_FORWARD,		/* a forward makes a new flow */
	KNAT_EXPLAIN_SERVICE,		/* a service makes a new flow */
	KNAT_EXPLAIN_SNAT,		/* an SNAT rule makes a new flow */
	KNAT_EXPLAIN_DROP,		/* dropped: KNAT_EXP_A_DROP says why */
	KNAT_EXPLAIN_VIP_ECHO,		/* a ping to a VIP knat answers */

	__KNAT_EXPLAIN_MAX
};

#define KNAT_EXPLAIN_F_PORT_PRESERVED	(1U << 0) /* source port kept */
#define KNAT_EXPLAIN_F_PORT_RANDOM	(1U << 1) /* port drawn at random
						   * from PORT_MIN..PORT_MAX
						   */
#define KNAT_EXPLAIN_F_HAIRPIN		(1U << 2) /* source-NATed back */
#define KNAT_EXPLAIN_F_PERSIST_HIT	(1U << 3) /* persistence entry */
#define KNAT_EXPLAIN_F_MAPPING_HIT	(1U << 4) /* SNAT mapping reused */
#define KNAT_EXPLAIN_F_PROBE		(1U << 5) /* health probe flow */
#define KNAT_EXPLAIN_F_REPLACES		(1U << 6) /* a stale flow of the
						   * tuple is replaced
						   */
#define KNAT_EXPLAIN_F_REPLIED		(1U << 7) /* FLOW: answers seen */
#define KNAT_EXPLAIN_F_PICKUP		(1U << 8) /* maglev: a backend's
						   * answer, flow rebuilt
						   */
#define KNAT_EXPLAIN_F_FASTPATH		(1U << 9) /* FLOW: this direction
						   * leaves by the fast
						   * path (route cached)
						   */

enum knat_explain_attr {
	KNAT_EXP_A_UNSPEC,
	KNAT_EXP_A_PAD,
	KNAT_EXP_A_PROTO,
	KNAT_EXP_A_SRC,
	KNAT_EXP_A_DST,
	KNAT_EXP_A_SPORT,
	KNAT_EXP_A_DPORT,
	KNAT_EXP_A_IIF,
	KNAT_EXP_A_LOCAL,
	KNAT_EXP_A_VERDICT,
	KNAT_EXP_A_DROP,
	KNAT_EXP_A_FLAGS,
	KNAT_EXP_A_OUT,
	KNAT_EXP_A_REPLY,
	KNAT_EXP_A_KIND,
	KNAT_EXP_A_STATE,
	KNAT_EXP_A_FORWARD,
	KNAT_EXP_A_SERVICE,
	KNAT_EXP_A_BACKEND,
	KNAT_EXP_A_SNAT,
	KNAT_EXP_A_OIF,
	KNAT_EXP_A_PORT_MIN,
	KNAT_EXP_A_PORT_MAX,
	KNAT_EXP_A_SRC6,
	KNAT_EXP_A_DST6,

	__KNAT_EXP_A_MAX,
	KNAT_EXP_A_MAX = __KNAT_EXP_A_MAX - 1
};

#endif /* _UAPI_LINUX_KNAT_H */
