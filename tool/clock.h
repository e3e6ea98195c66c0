/* SPDX-License-Identifier: GPL-2.0 */
/* exitstat: the time for intervals and for how long a command ran. */
#ifndef EXITSTAT_CLOCK_H
#define EXITSTAT_CLOCK_H

/* Seconds on the monotonic clock. */
double clock_now(void);
/* Sleeps @seconds (resumes after signals that do not end the program). */
void clock_sleep(double seconds);

#endif
