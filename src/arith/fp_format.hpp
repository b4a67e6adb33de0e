#pragma once
// A binary floating-point format: IEEE-754 style with E exponent bits and M stored significand
// bits (precision p = M + 1), subnormals and signed zeros; either with infinities (IEEE) or in the
// OCP "FN" style of E4M3FN (no infinities; the all-ones pattern is the only NaN; the top binade
// is used for finite values).
//
// Overflow rule, the same for both styles: the exact result is rounded to p bits with an
// unbounded exponent (nearest, ties to even); if that exceeds max_finite() the result is
// +-infinity (IEEE) or NaN (FN style, which has no infinity). For E4M3FN this means values up to
// 464 (the midpoint between 448 and the absent 480, a tie that goes to the even 448) give 448
// and anything beyond gives NaN, as in the ml_dtypes float8_e4m3fn conversion.
#include <cstdint>
#include <string>

#include <mpfr.h>

#include "arith/flags.hpp"
#include "arith/rational.hpp"

namespace freelunch::arith {

struct FpFormat {
  std::string name;   // "fp16", "bf16", "f5.10", ...
  int exp_bits = 0;   // E, 2..30
  int man_bits = 0;   // M stored significand bits, 1..200
  bool has_infinity = true;  // false: OCP FN style (E4M3FN)
  double max_finite_double = 0;  // max_finite() as a double (+inf when it does not fit one)

  int precision() const { return man_bits + 1; }
  int bias() const { return (1 << (exp_bits - 1)) - 1; }
  // Exponent e of the largest binade [2^e, 2^(e+1)) holding finite values.
  int emax() const { return has_infinity ? bias() : (1 << exp_bits) - 1 - bias(); }
  // Exponent of the smallest normal number 2^emin_normal().
  int emin_normal() const { return 1 - bias(); }
  // Exponent of the smallest positive subnormal 2^emin_subnormal().
  int emin_subnormal() const { return emin_normal() - man_bits; }

  // Largest finite value; in FN style the all-ones significand of the top binade is NaN.
  Rational max_finite() const;
  Rational min_subnormal() const { return pow2(emin_subnormal()); }
  Rational min_normal() const { return pow2(emin_normal()); }

  // MPFR's view (x = 0.1b... * 2^E): the exponent range [emin, emax] with which
  // mpfr_subnormalize emulates this format (THEORY §1.4).
  long mpfr_emin() const { return emin_subnormal() + 1; }
  long mpfr_emax() const { return emax() + 1; }

  // True when values can be computed in binary64 and rounded once with the same result as a
  // single correct rounding: 53 >= 2p + 2 (double rounding is then innocuous for + - * / sqrt),
  // and every product, quotient or sum of two finite values is a normal double or zero.
  bool fits_double_fast_path() const;
  bool is_binary64() const { return exp_bits == 11 && man_bits == 52 && has_infinity; }

  bool operator==(const FpFormat& other) const {
    return exp_bits == other.exp_bits && man_bits == other.man_bits &&
           has_infinity == other.has_infinity;
  }
};

FpFormat make_ieee_format(std::string name, int exp_bits, int man_bits);
FpFormat make_fn_format(std::string name, int exp_bits, int man_bits);

// True when rounding x to fmt drops nonzero bits (x finite, nonzero, normal double).
bool format_discards_bits(double x, const FpFormat& fmt);

// The value of an exact rational rounded once to the format (nearest even, subnormals,
// overflow rule above), as the double holding it; flags are raised in `flags`. Requires
// fmt.fits_double_fast_path() or fmt.is_binary64().
double round_rational_to_double_format(const Rational& q, const FpFormat& fmt, Flags& flags);

// Rounds a double to the format: the fast path's single rounding. Requires
// fits_double_fast_path(). `exact_in_double` tells whether x is the exact result of the
// operation; if not, inexact is raised whatever the rounding discards (2p + 2 <= 53 makes the
// value itself right either way).
double round_double_to_format(double x, bool exact_in_double, const FpFormat& fmt, Flags& flags);

// The same, deciding exactness of x only when the rounding itself discards nothing (the common
// case needs no error-free transformation): is_exact() must say whether x is the exact result.
template <class IsExact>
inline double round_double_to_format_lazy(double x, IsExact&& is_exact, const FpFormat& fmt, Flags& flags) {
  if (fmt.is_binary64()) return round_double_to_format(x, is_exact(), fmt, flags);
  return round_double_to_format(x, !format_discards_bits(x, fmt) && is_exact(), fmt, flags);
}

// The MPFR path's single rounding: r holds an operation's result rounded to fmt.precision() bits
// in MPFR's wide exponent range, `ternary` its ternary value. Applies the format's exponent range
// (under an MpfrRangeGuard), subnormals and the overflow rule; raises flags. Afterwards r holds
// the format value (NaN for an FN-style overflow). An infinity or zero with a nonzero ternary is
// MPFR's own overflow or underflow of the wide range (exp of a huge argument, the product of two
// values of a 30-bit-exponent format) and counts as the format's overflow or underflow.
void mpfr_round_to_format(mpfr_t r, int ternary, const FpFormat& fmt, Flags& flags);

}  // namespace freelunch::arith
