/*
 * newlib's <math.h> as libstdc++'s <cmath> needs it (docs/newlib-cxx.md).
 *
 * <cmath> names every C99 function with a using-declaration, the long double
 * ones included. newlib 3.3 declares those only where long double is double;
 * on AArch64 it is a 128-bit type and libm.a implements just sqrtl, hypotl
 * and nanl. The declarations below let <cmath> compile; calling one of the
 * missing functions (std::cbrt on a long double, say) fails at link time
 * with an undefined reference instead of silently computing in double.
 * nexttoward/nexttowardf are not in newlib 3.3 either.
 */
#include_next <math.h>

#if defined(__cplusplus) && !defined(TN_NEWLIB_CXX_MATH_H)
#define TN_NEWLIB_CXX_MATH_H
#if !defined(_LDBL_EQ_DBL)
extern "C" {
long double acoshl(long double);
long double asinhl(long double);
long double atanhl(long double);
long double cbrtl(long double);
long double copysignl(long double, long double);
long double erfl(long double);
long double erfcl(long double);
long double exp2l(long double);
long double expm1l(long double);
long double fdiml(long double, long double);
long double fmal(long double, long double, long double);
long double fmaxl(long double, long double);
long double fminl(long double, long double);
int ilogbl(long double);
long double lgammal(long double);
long long llrintl(long double);
long long llroundl(long double);
long double log1pl(long double);
long double log2l(long double);
long double logbl(long double);
long lrintl(long double);
long lroundl(long double);
long double nanl(const char*);
long double nearbyintl(long double);
long double nextafterl(long double, long double);
long double nexttowardl(long double, long double);
long double remainderl(long double, long double);
long double remquol(long double, long double, int*);
long double rintl(long double);
long double roundl(long double);
long double scalblnl(long double, long);
long double scalbnl(long double, int);
long double tgammal(long double);
long double truncl(long double);
double nexttoward(double, long double);
float nexttowardf(float, long double);
}
#endif
#endif
