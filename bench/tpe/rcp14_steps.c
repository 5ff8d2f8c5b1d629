/*
 * Prints RCP_STEPS of packages/study/src/samplers/numpyStream.ts: near each midpoint m = 64/(2k+1),
 * k = 16..31, the first mantissa for which VRCP14PD(m) rounded to 1/32 (as SVML's log8 rounds it,
 * VRNDSCALEPD imm 0x58) gives k/32 rather than (k+1)/32, found by bisection over the doubles, and
 * the number of random mantissas in the window that disagree with that threshold (0: monotone).
 *
 *   gcc -O1 -mavx512f -o /tmp/rcp14_steps bench/tpe/rcp14_steps.c -lm && /tmp/rcp14_steps
 */
#include <immintrin.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static double rounded_reciprocal(double m) {
  double out[8];
  _mm512_storeu_pd(out, _mm512_roundscale_pd(_mm512_rcp14_pd(_mm512_set1_pd(m)), 0x58));
  return out[0];
}

static uint64_t bits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static double from_bits(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }

int main(void) {
  uint64_t state = 88172645463325252ULL;
  for (int k = 16; k < 32; k++) {
    double m0 = 64.0 / (2 * k + 1);
    double lo = fmax(m0 * (1 - 1.0 / 2048), 1.0), hi = fmin(m0 * (1 + 1.0 / 2048), nextafter(2.0, 0));
    double up = (k + 1) / 32.0, down = k / 32.0;
    uint64_t a = bits(lo), b = bits(hi);
    if (rounded_reciprocal(lo) != up || rounded_reciprocal(hi) != down) printf("k=%d: unexpected ends\n", k);
    while (b - a > 1) {
      uint64_t mid = a + (b - a) / 2;
      if (rounded_reciprocal(from_bits(mid)) == up) a = mid; else b = mid;
    }
    double step = from_bits(b);
    long disagree = 0;
    for (int i = 0; i < 1000000; i++) {
      state ^= state << 13; state ^= state >> 7; state ^= state << 17;
      double m = from_bits(bits(lo) + state % (bits(hi) - bits(lo)));
      double c = rounded_reciprocal(m);
      if ((m < step && c != up) || (m >= step && c != down)) disagree++;
    }
    printf("k=%d step=%.17g disagreeing=%ld\n", k, step, disagree);
  }
  return 0;
}
