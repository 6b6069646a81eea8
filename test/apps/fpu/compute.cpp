// Compiler-generated FP/SIMD code (built only with an FP context): a thread
// that computes in double precision while others run and preempt it.
#include "fpu_test.hpp"

double fpu_test_series(int terms) {
    // Leibniz series for pi/4, long enough to span several switches.
    double sum = 0.0;
    double sign = 1.0;
    for (int k = 0; k < terms; ++k) {
        sum += sign / (2.0 * k + 1.0);
        sign = -sign;
        if ((k & 1023) == 0)
            fpu_test_yield();
    }
    return 4.0 * sum;
}
