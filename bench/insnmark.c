// SPDX-License-Identifier: GPL-2.0
/*
 * Run in a guest under bench/insnprof.so: one marked instruction, which
 * makes the plugin snapshot its counts (scripts/profile).
 */
int main(void)
{
	__asm__ volatile(".byte 0x0f, 0x1f, 0x84, 0x00, 0x54, 0x41, 0x4e, 0x4b");
	return 0;
}
