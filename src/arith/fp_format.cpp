#include "arith/fp_format.hpp"

#include <bit>
#include <cmath>
#include <limits>

#include "arith/errors.hpp"
#include "arith/mpfr_guard.hpp"
#include "arith/scoped_mpfr.hpp"

namespace freelunch::arith {

Rational FpFormat::max_finite() const {
  // IEEE: (2 - 2^-M) 2^emax. FN: the all-ones significand is NaN, so one ulp less.
  int ones = has_infinity ? man_bits : man_bits - 1;
  Rational significand = Rational(2) - pow2(-ones);
  if (!has_infinity && man_bits == 0) significand = 1;
  return significand * pow2(emax());
}

bool FpFormat::fits_double_fast_path() const {
  if (2 * precision() + 2 > 53) return false;
  // Products of two largest values and quotients of the smallest by the largest must stay
  // normal doubles: exponents within [-1022, 1023].
  return 2 * (emax() + 1) <= 1023 && 2 * emin_subnormal() - 2 >= -1022 &&
         emin_subnormal() - (emax() + 1) >= -1022;
}

namespace {

FpFormat make_format(std::string name, int exp_bits, int man_bits, bool has_infinity) {
  FpFormat fmt{std::move(name), exp_bits, man_bits, has_infinity, 0};
  // Past binary64's top binade without building max_finite(): for 30 exponent bits that
  // rational has 2^29 bits (a second and 130 MB to parse "f30.3").
  if (fmt.emax() > std::numeric_limits<double>::max_exponent - 1) {
    fmt.max_finite_double = std::numeric_limits<double>::infinity();
    return fmt;
  }
  const Rational max = fmt.max_finite();
  fmt.max_finite_double = max > Rational(std::numeric_limits<double>::max())
                              ? std::numeric_limits<double>::infinity()
                              : static_cast<double>(max);
  return fmt;
}

}  // namespace

FpFormat make_ieee_format(std::string name, int exp_bits, int man_bits) {
  return make_format(std::move(name), exp_bits, man_bits, true);
}

FpFormat make_fn_format(std::string name, int exp_bits, int man_bits) {
  return make_format(std::move(name), exp_bits, man_bits, false);
}

namespace {

constexpr std::uint64_t kSignBit = 1ull << 63;
constexpr int kDoubleMantBits = 52;

double overflow_result(bool negative, const FpFormat& fmt) {
  if (!fmt.has_infinity) return std::numeric_limits<double>::quiet_NaN();
  return negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
}

// |r| > max_finite for a p-bit r. IEEE: the binade above emax. FN: also the all-ones significand
// of the top binade.
bool exceeds_max_finite(const mpfr_t r, const FpFormat& fmt) {
  const long e = mpfr_get_exp(r) - 1;
  if (e != fmt.emax()) return e > fmt.emax();
  if (fmt.has_infinity) return false;
  ScopedMpfr max(fmt.precision());
  mpfr_set_q(max.get(), fmt.max_finite().backend().data(), MPFR_RNDN);  // exact: M bits
  return mpfr_cmpabs(r, max.get()) > 0;
}

}  // namespace

bool format_discards_bits(double x, const FpFormat& fmt) {
  const std::uint64_t mag = std::bit_cast<std::uint64_t>(x) & ~kSignBit;
  const int biased = static_cast<int>(mag >> kDoubleMantBits);
  if (biased == 0x7ff || mag == 0) return false;
  const int e = biased - 1023;
  const int drop = kDoubleMantBits - fmt.man_bits + (e < fmt.emin_normal() ? fmt.emin_normal() - e : 0);
  return drop > kDoubleMantBits || (mag & ((1ull << drop) - 1)) != 0;
}

double round_double_to_format(double x, bool exact_in_double, const FpFormat& fmt, Flags& flags) {
  const std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
  const std::uint64_t sign = bits & kSignBit;
  const std::uint64_t mag = bits & ~kSignBit;
  const int biased = static_cast<int>(mag >> kDoubleMantBits);
  if (fmt.is_binary64()) {
    if (!exact_in_double) flags.raise(Flag::inexact);
    return x;
  }
  if (biased == 0x7ff) {  // inf or NaN: FN style has no infinity
    if (!fmt.has_infinity && (mag & ((1ull << kDoubleMantBits) - 1)) == 0) {
      return std::numeric_limits<double>::quiet_NaN();
    }
    return x;
  }
  if (mag == 0) return x;  // signed zero; an operation on format values is never inexact here

  // Fast path results are normal doubles (fits_double_fast_path), so e is the true exponent.
  const int e = biased - 1023;
  const int extra = e < fmt.emin_normal() ? fmt.emin_normal() - e : 0;
  const int drop = kDoubleMantBits - fmt.man_bits + extra;
  bool inexact = !exact_in_double;
  std::uint64_t rounded;
  if (drop <= kDoubleMantBits) {
    // Round the bit pattern: a carry out of the significand bumps the exponent field, which is
    // exactly the value's next binade. The last kept bit decides ties; at drop = 52 it is the
    // implicit leading 1, not bit 52 of the pattern (the exponent's lowest bit): 1.5 * 2^-149
    // must round to 2^-148 in fp32.
    const std::uint64_t mask = (1ull << drop) - 1;
    const std::uint64_t lsb = drop == kDoubleMantBits ? 1u : (mag >> drop) & 1u;
    inexact = inexact || (mag & mask) != 0;
    rounded = (mag + (mask >> 1) + lsb) & ~mask;
  } else {
    // The quantum 2^(e + drop - 52) exceeds |x|: the result is 0 or the quantum.
    inexact = true;
    const bool above_half = drop == kDoubleMantBits + 1 && (mag & ((1ull << kDoubleMantBits) - 1)) != 0;
    rounded = above_half ? std::bit_cast<std::uint64_t>(std::ldexp(1.0, e + 1)) : 0;
  }

  // Overflow is decided before exactness: 256 * 256 = 2^16 is exact in binary64 and needs no
  // rounding to 11 bits, yet exceeds fp16's 65504 (and 240 * 2 = 480 is e4m3's NaN pattern).
  const double result = std::bit_cast<double>(rounded | sign);
  if (std::fabs(result) > fmt.max_finite_double) {
    flags.raise(Flag::overflow);
    flags.raise(Flag::inexact);
    return overflow_result(sign != 0, fmt);
  }
  if (!inexact) return x;
  flags.raise(Flag::inexact);

  if (extra > 0) {
    // Tininess after rounding: round to p bits with an unbounded exponent and compare.
    const int d = kDoubleMantBits - fmt.man_bits;
    const std::uint64_t m = (1ull << d) - 1;
    const std::uint64_t full = (mag + (m >> 1) + ((mag >> d) & 1u)) & ~m;
    if (static_cast<int>(full >> kDoubleMantBits) - 1023 < fmt.emin_normal()) flags.raise(Flag::underflow);
  }
  return result;
}

void mpfr_round_to_format(mpfr_t r, int ternary, const FpFormat& fmt, Flags& flags) {
  if (mpfr_nan_p(r)) return;
  if (mpfr_inf_p(r)) {
    if (ternary != 0) {  // MPFR's own overflow: the exact result is finite and beyond any format
      flags.raise(Flag::overflow);
      flags.raise(Flag::inexact);
    }
    if (!fmt.has_infinity) mpfr_set_nan(r);
    return;
  }
  if (mpfr_zero_p(r) && ternary != 0) {  // MPFR's own underflow: nonzero, below any format
    flags.raise(Flag::underflow);
    flags.raise(Flag::inexact);
    return;
  }
  // Overflow and tininess are decided on the p-bit result with an unbounded exponent.
  const bool tiny = !mpfr_zero_p(r) && mpfr_get_exp(r) - 1 < fmt.emin_normal();
  const bool overflow = !mpfr_zero_p(r) && exceeds_max_finite(r, fmt);
  if (overflow) {
    flags.raise(Flag::overflow);
    flags.raise(Flag::inexact);
    if (fmt.has_infinity) {
      mpfr_set_inf(r, mpfr_signbit(r) ? -1 : 1);
    } else {
      mpfr_set_nan(r);
    }
    return;
  }
  {
    MpfrRangeGuard guard(fmt.mpfr_emin(), fmt.mpfr_emax());
    ternary = mpfr_check_range(r, ternary, MPFR_RNDN);
    ternary = mpfr_subnormalize(r, ternary, MPFR_RNDN);
  }
  if (ternary != 0) {
    flags.raise(Flag::inexact);
    if (tiny) flags.raise(Flag::underflow);
  }
}

double round_rational_to_double_format(const Rational& q, const FpFormat& fmt, Flags& flags) {
  ScopedMpfr r(fmt.precision());
  const int ternary = mpfr_set_q(r.get(), q.backend().data(), MPFR_RNDN);
  mpfr_round_to_format(r.get(), ternary, fmt, flags);
  return mpfr_get_d(r.get(), MPFR_RNDN);  // exact: a format value is a double
}

}  // namespace freelunch::arith
