/* SPDX-License-Identifier: Apache-2.0 */
/* The median of the benchmarks' samples (sorts v in place). */
#ifndef REDPAK_BENCH_MEDIAN_H
#define REDPAK_BENCH_MEDIAN_H

#include <stddef.h>
#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static inline double median(double *v, size_t n)
{
    qsort(v, n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#endif
