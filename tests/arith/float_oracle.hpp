#pragma once
// Shared by the float tests (soft_float, mpfr_arith, fp_format):
//  - random operands of a format, drawn as bit patterns with a bias mix (subnormals, the top
//    binades, specials, short significands that make ties, partners with nearby exponents);
//  - an oracle that rounds an exact value (a rational, or the square root of one) once to a
//    format with Rational arithmetic only: nothing from src/arith but the FpFormat parameters.
//    It is the "exact rational plus one rounding" reference of STYLE "Tests";
//  - bit-level comparison of results held in doubles.
// Random integers come from std::mt19937_64 through our own range mapping (STYLE "Tests").
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <utility>

#include <mpfr.h>

#include "arith/flags.hpp"
#include "arith/fp_format.hpp"
#include "arith/rational.hpp"
#include "arith/scoped_mpfr.hpp"

namespace freelunch::testing {

// ---- random numbers -------------------------------------------------------------------------

// Uniform in [0, n), n >= 1 (multiply-shift; the bias of at most n / 2^64 is irrelevant here).
inline std::uint64_t below(std::mt19937_64& rng, std::uint64_t n) {
  return static_cast<std::uint64_t>((static_cast<unsigned __int128>(rng()) * n) >> 64);
}

// Uniform in [lo, hi].
inline long between(std::mt19937_64& rng, long lo, long hi) {
  // In unsigned arithmetic: hi - lo may exceed LONG_MAX (conversions back are modular, C++20).
  const std::uint64_t span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
  const std::uint64_t offset = span == ~0ull ? rng() : below(rng, span + 1);
  return static_cast<long>(static_cast<std::uint64_t>(lo) + offset);
}

// ---- values of a format ---------------------------------------------------------------------

inline std::uint64_t low_bits(int n) { return n >= 64 ? ~0ull : (1ull << n) - 1; }

inline int total_bits(const arith::FpFormat& f) { return 1 + f.exp_bits + f.man_bits; }

// The value of a bit pattern (sign, E exponent bits, M significand bits), as a double.
inline double decode(std::uint64_t bits, const arith::FpFormat& f) {
  const int m = f.man_bits;
  const bool negative = ((bits >> (f.exp_bits + m)) & 1u) != 0;
  const std::uint64_t field = (bits >> m) & low_bits(f.exp_bits);
  const std::uint64_t mant = bits & low_bits(m);
  const std::uint64_t top = low_bits(f.exp_bits);
  double v;
  if (field == top && f.has_infinity) {
    v = mant == 0 ? std::numeric_limits<double>::infinity() : std::numeric_limits<double>::quiet_NaN();
  } else if (field == top && mant == low_bits(m)) {  // FN style: the one NaN
    v = std::numeric_limits<double>::quiet_NaN();
  } else if (field == 0) {
    v = std::ldexp(static_cast<double>(mant), f.emin_subnormal());
  } else {
    v = std::ldexp(static_cast<double>((1ull << m) | mant), static_cast<int>(field) - f.bias() - m);
  }
  return negative ? -v : v;
}

// The bit pattern of a finite value of the format (the inverse of decode on finite values).
inline std::uint64_t encode(double v, const arith::FpFormat& f) {
  const std::uint64_t sign = std::signbit(v) ? 1ull << (f.exp_bits + f.man_bits) : 0;
  const double a = std::fabs(v);
  if (a < std::ldexp(1.0, f.emin_normal())) return sign | static_cast<std::uint64_t>(std::ldexp(a, -f.emin_subnormal()));
  const int e = std::ilogb(a);
  const auto significand = static_cast<std::uint64_t>(std::ldexp(a, f.man_bits - e));  // 2^M .. 2^(M+1) - 1
  return sign | (static_cast<std::uint64_t>(e + f.bias()) << f.man_bits) | (significand & low_bits(f.man_bits));
}

// The exact value of a finite double, computed here rather than with rational_from_double.
inline Rational exact(double x) {
  int e = 0;
  const double m = std::frexp(x, &e);
  const auto mant = static_cast<long long>(std::ldexp(m, 53));  // |m| < 1: exact integer
  return Rational(Integer(mant)) * pow2(e - 53);
}

// Same value, same sign of zero, or both NaN: the format's bit pattern up to the NaN payload.
inline bool same_bits(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

inline std::string hex(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%a", x);
  return buf;
}

inline bool is_subnormal_in(double r, const arith::FpFormat& f) {
  return std::isfinite(r) && r != 0 && std::fabs(r) < std::ldexp(1.0, f.emin_normal());
}

// ---- operands with a bias mix ---------------------------------------------------------------

class OperandSampler {
 public:
  OperandSampler(const arith::FpFormat& fmt, std::uint64_t seed) : f_(fmt), rng_(seed) {}

  std::mt19937_64& rng() { return rng_; }

  // One operand's bit pattern:
  //   uniform bit patterns; exponent field 0..2 (zero, subnormals, the smallest normals); the
  //   top three exponent fields (the overflow threshold, inf and NaN where they exist); small
  //   integers; short significands at any exponent (their sums and products are often ties);
  //   named specials (signed zeros, inf, NaN, extremes).
  std::uint64_t pattern() {
    const std::uint64_t draw = rng_();  // the high bits pick the kind, the lowest the sign
    const std::uint64_t kind = static_cast<std::uint64_t>((static_cast<unsigned __int128>(draw) * 100) >> 64);
    const std::uint64_t sign = (draw & 1u) << (f_.exp_bits + f_.man_bits);
    const long top = static_cast<long>(low_bits(f_.exp_bits));
    if (kind < 25) return rng_() & low_bits(total_bits(f_));
    if (kind < 40) return sign | assemble(between(rng_, 0, 2), rng_());
    if (kind < 55) return sign | assemble(between(rng_, top - 2, top), rng_());
    if (kind < 65) {  // integers 1 .. 2^j: exponent bias + j, the top j significand bits
      const int j = static_cast<int>(between(rng_, 0, std::min(f_.man_bits, 10)));
      return sign | assemble(f_.bias() + j, short_significand(j));
    }
    if (kind < 88) return sign | assemble(between(rng_, 1, top - 1), short_significand(static_cast<int>(between(rng_, 0, f_.man_bits))));
    return sign | special();
  }

  // A second operand for a: independent, or with a nearby exponent (sums needing one to
  // M + 3 more bits: ties and carries), or a with its low bits changed (cancellation), or +-a
  // (x - x = +0, x / x = 1).
  std::uint64_t partner(std::uint64_t a) {
    const std::uint64_t kind = below(rng_, 100);
    const std::uint64_t sign_bit = 1ull << (f_.exp_bits + f_.man_bits);
    const long top = static_cast<long>(low_bits(f_.exp_bits));
    const long field = static_cast<long>((a >> f_.man_bits) & low_bits(f_.exp_bits));
    if (kind < 40) return pattern();
    if (kind < 70) {
      const long d = between(rng_, -(f_.man_bits + 3), f_.man_bits + 3);
      const long e = std::clamp(field + d, 0L, top - 1);
      const int t = static_cast<int>(between(rng_, 0, f_.man_bits));
      return (below(rng_, 2) ? sign_bit : 0) | assemble(e, short_significand(t));
    }
    if (kind < 85) {
      const int t = static_cast<int>(between(rng_, 1, std::min(f_.man_bits, 8)));
      std::uint64_t b = a ^ (rng_() & low_bits(t));
      if (below(rng_, 2)) b ^= sign_bit;
      return b;
    }
    return below(rng_, 2) ? a : a ^ sign_bit;
  }

  // A positive finite value with unbiased exponent in [lo, hi] (clamped to the format's normal
  // range; the lowest field gives subnormals) and a random significand.
  std::uint64_t positive_with_exponent(long lo, long hi) {
    const long top = static_cast<long>(low_bits(f_.exp_bits));
    const long field = std::clamp(between(rng_, lo, hi) + f_.bias(), 0L, f_.has_infinity ? top - 1 : top);
    std::uint64_t bits = assemble(field, rng_());
    if (!f_.has_infinity && field == top && (bits & low_bits(f_.man_bits)) == low_bits(f_.man_bits)) --bits;  // not the NaN
    return bits;
  }

  double value(std::uint64_t bits) const { return decode(bits, f_); }

 private:
  std::uint64_t assemble(long field, std::uint64_t mant) const {
    return (static_cast<std::uint64_t>(field) << f_.man_bits) | (mant & low_bits(f_.man_bits));
  }
  // t random leading significand bits, the rest zero.
  std::uint64_t short_significand(int t) {
    if (t == 0) return 0;
    return (rng_() & low_bits(t)) << (f_.man_bits - t);
  }
  std::uint64_t special() {
    const std::uint64_t top = low_bits(f_.exp_bits);
    const std::uint64_t all_m = low_bits(f_.man_bits);
    switch (below(rng_, 8)) {
      case 0: return 0;                                                     // zero
      case 1: return 1;                                                     // smallest subnormal
      case 2: return all_m;                                                 // largest subnormal
      case 3: return 1ull << f_.man_bits;                                   // smallest normal
      case 4: return f_.has_infinity ? ((top - 1) << f_.man_bits) | all_m   // largest finite
                                     : (top << f_.man_bits) | (all_m - 1);
      case 5: return f_.has_infinity ? top << f_.man_bits : (top << f_.man_bits) | all_m;  // inf / NaN
      case 6: return (top << f_.man_bits) | all_m;                          // NaN
      default: return static_cast<std::uint64_t>(f_.bias()) << f_.man_bits;  // one
    }
  }

  arith::FpFormat f_;
  std::mt19937_64 rng_;
};

// ---- the rounding oracle --------------------------------------------------------------------

// |x| for a positive exact x: a rational q, or the square root of one, or a value infinitely
// close to q on one side (nudge +1: just above, -1: just below), for the ends of an enclosure
// of a transcendental value that are known not to be the value itself.
class ExactMagnitude {
 public:
  static ExactMagnitude rational(Rational q, int nudge = 0) { return {std::move(q), false, nudge}; }
  static ExactMagnitude square_root(Rational q) { return {std::move(q), true, 0}; }

  // floor(log2 |x|).
  long floor_log2() const {
    const long e = floor_log2_of(q_);
    if (sqrt_) return e >= 0 ? e / 2 : -((-e + 1) / 2);
    return nudge_ < 0 && q_ == pow2(e) ? e - 1 : e;
  }
  // floor(|x| 2^-k).
  Integer floor_scaled(long k) const {
    const Rational s = q_ * pow2(sqrt_ ? -2 * k : -k);
    const Integer fl = boost::multiprecision::numerator(s) / boost::multiprecision::denominator(s);
    if (sqrt_) return Integer(boost::multiprecision::sqrt(fl));
    return nudge_ < 0 && Rational(fl) == s ? Integer(fl - 1) : fl;
  }
  // Sign of |x| - r for r >= 0.
  int compare(const Rational& r) const {
    const Rational rhs = sqrt_ ? Rational(r * r) : r;
    return q_ < rhs ? -1 : (q_ > rhs ? 1 : nudge_);
  }

 private:
  ExactMagnitude(Rational q, bool sqrt, int nudge) : q_(std::move(q)), sqrt_(sqrt), nudge_(nudge) {}
  static long floor_log2_of(const Rational& q) {
    long e = static_cast<long>(boost::multiprecision::msb(boost::multiprecision::numerator(q))) -
             static_cast<long>(boost::multiprecision::msb(boost::multiprecision::denominator(q)));
    if (q < pow2(e)) --e;
    return e;
  }
  Rational q_;
  bool sqrt_;
  int nudge_;
};

struct Rounded {
  double value = 0;
  arith::Flags flags;
};

// |x| rounded to the nearest multiple of 2^k, ties to the even multiple: the multiple, and
// whether the rounding changed the value.
inline std::pair<Integer, bool> round_to_multiple(const ExactMagnitude& x, long k) {
  Integer n = x.floor_scaled(k);
  const int half = x.compare((Rational(n) + Rational(1, 2)) * pow2(k));
  const bool exact = x.compare(Rational(n) * pow2(k)) == 0;
  if (half > 0 || (half == 0 && (n & 1) != 0)) ++n;
  return {n, !exact};
}

// A nonzero exact value of sign `negative` and magnitude x, rounded once to f: nearest even,
// subnormals, and the overflow rule of fp_format.hpp (decided on the p-bit rounding with an
// unbounded exponent; inf, or NaN in FN style). Flags as flags.hpp defines them (tininess after
// rounding).
inline Rounded round_to_format(bool negative, const ExactMagnitude& x, const arith::FpFormat& f) {
  Rounded out;
  const long e = x.floor_log2();
  const auto [wide, wide_inexact] = round_to_multiple(x, e - f.man_bits);  // unbounded exponent
  const Rational wide_value = Rational(wide) * pow2(e - f.man_bits);
  if (e >= f.emax() && wide_value > f.max_finite()) {
    out.flags.raise(arith::Flag::overflow);
    out.flags.raise(arith::Flag::inexact);
    out.value = f.has_infinity ? std::numeric_limits<double>::infinity() : std::numeric_limits<double>::quiet_NaN();
    if (negative) out.value = -out.value;
    return out;
  }
  // Normal range: the same rounding as the unbounded one. Below it, the subnormal grid.
  const long k = std::max<long>(e, f.emin_normal()) - f.man_bits;
  const auto [n, inexact] = e >= f.emin_normal() ? std::pair{wide, wide_inexact} : round_to_multiple(x, k);
  if (inexact) {
    out.flags.raise(arith::Flag::inexact);
    if (e < f.emin_normal() && wide_value < f.min_normal()) out.flags.raise(arith::Flag::underflow);
  }
  out.value = std::ldexp(static_cast<double>(n), static_cast<int>(k));  // n < 2^(p+1): exact
  if (negative) out.value = -out.value;
  return out;
}

// q rounded to p significant bits with an unbounded exponent (nearest even): MPFR's mpfrP.
inline Rational round_to_precision(const Rational& q, long p) {
  if (q == 0) return Rational(0);
  const ExactMagnitude m = ExactMagnitude::rational(q < 0 ? Rational(-q) : q);
  const long k = m.floor_log2() - (p - 1);
  const Rational r = Rational(round_to_multiple(m, k).first) * pow2(k);
  return q < 0 ? Rational(-r) : r;
}

// q rounded to f; with nudge = +-1, a value infinitely close to q, above (+1) or below (-1) it.
inline Rounded round_rational(const Rational& q, const arith::FpFormat& f, int nudge = 0) {
  if (q == 0) return {};
  return round_to_format(q < 0, ExactMagnitude::rational(q < 0 ? Rational(-q) : q, q < 0 ? -nudge : nudge), f);
}

enum class Op { add, sub, mul, div, sqrt };
inline const char* op_name(Op op) {
  static const char* const names[] = {"add", "sub", "mul", "div", "sqrt"};
  return names[static_cast<int>(op)];
}

// a op b in an arithmetic's value type (b ignored for sqrt): the library side of an oracle test.
template <class Ar, class V>
V apply(Op op, const Ar& ar, const V& a, const V& b) {
  switch (op) {
    case Op::add: return a + b;
    case Op::sub: return a - b;
    case Op::mul: return a * b;
    case Op::div: return a / b;
    default: return ar.sqrt(a);
  }
}

// The IEEE-754 result of a op b (b ignored for sqrt) for format values a, b, with the special
// cases written out: NaN propagation, infinities, signed zeros, and the exact result rounded
// once by round_to_format. In FN style (no infinity) x/0 is NaN with divbyzero only.
inline Rounded oracle(Op op, double a, double b, const arith::FpFormat& f) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Rounded out;
  const auto invalid = [&] {
    out.flags.raise(arith::Flag::invalid);
    out.value = nan;
    return out;
  };
  const auto signed_inf = [&](bool negative) {
    out.value = f.has_infinity ? (negative ? -inf : inf) : nan;
    return out;
  };
  if (op == Op::sub) return oracle(Op::add, a, -b, f);
  if (op == Op::sqrt) {
    if (std::isnan(a)) return {nan, {}};
    if (a == 0) return {a, {}};  // sqrt(-0) = -0
    if (a < 0) return invalid();
    if (std::isinf(a)) return {a, {}};
    return round_to_format(false, ExactMagnitude::square_root(exact(a)), f);
  }
  if (std::isnan(a) || std::isnan(b)) return {nan, {}};
  const bool neg = std::signbit(a) != std::signbit(b);
  switch (op) {
    case Op::add:
      if (std::isinf(a) && std::isinf(b) && a != b) return invalid();
      if (std::isinf(a)) return {a, {}};
      if (std::isinf(b)) return {b, {}};
      if (a == 0 && b == 0) return {std::signbit(a) && std::signbit(b) ? -0.0 : 0.0, {}};
      if (exact(a) + exact(b) == 0) return {0.0, {}};  // x - x = +0 when rounding to nearest
      return round_rational(exact(a) + exact(b), f);
    case Op::mul:
      if ((std::isinf(a) && b == 0) || (a == 0 && std::isinf(b))) return invalid();
      if (std::isinf(a) || std::isinf(b)) return signed_inf(neg);
      if (a == 0 || b == 0) return {neg ? -0.0 : 0.0, {}};
      return round_rational(exact(a) * exact(b), f);
    case Op::div:
      if ((std::isinf(a) && std::isinf(b)) || (a == 0 && b == 0)) return invalid();
      if (std::isinf(a)) return signed_inf(neg);
      if (std::isinf(b) || a == 0) return {neg ? -0.0 : 0.0, {}};
      if (b == 0) {
        out.flags.raise(arith::Flag::divbyzero);
        return signed_inf(neg);
      }
      return round_rational(exact(a) / exact(b), f);
    default:
      return {};
  }
}

// ---- exp and log ----------------------------------------------------------------------------

enum class Fn { exp, log };
inline const char* fn_name(Fn fn) { return fn == Fn::exp ? "exp" : "log"; }

// The exact value of a finite mpfr number.
inline Rational exact(mpfr_srcptr x) {
  if (mpfr_zero_p(x)) return Rational(0);
  Integer m;
  const mpfr_exp_t e = mpfr_get_z_2exp(m.backend().data(), x);
  return Rational(m) * pow2(e);
}

// exp or log of a format value x rounded once to f. Special values as IEEE 754: exp(+-0) = 1,
// exp(-inf) = +0, log(1) = +0, log(+-0) = -inf (divbyzero), log(x < 0) = NaN (invalid); in FN
// style an infinite result is NaN. Otherwise the value is transcendental: MPFR encloses it at
// `bits` bits (rounded down and up), both ends are rounded with round_rational, and the answer is
// theirs when they agree (rounding and the flags are monotone in the value); nullopt when the
// enclosure straddles a rounding boundary (undecided).
inline std::optional<Rounded> oracle(Fn fn, double x, const arith::FpFormat& f, mpfr_prec_t bits) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double f_inf = f.has_infinity ? inf : nan;
  Rounded out;
  if (std::isnan(x)) return Rounded{nan, {}};
  if (fn == Fn::exp) {
    if (x == 0) return Rounded{1.0, {}};
    if (std::isinf(x)) return Rounded{x > 0 ? f_inf : 0.0, {}};
  } else {
    if (x == 1) return Rounded{0.0, {}};
    if (x == 0) {
      out.flags.raise(arith::Flag::divbyzero);
      out.value = -f_inf;
      return out;
    }
    if (x < 0) {
      out.flags.raise(arith::Flag::invalid);
      out.value = nan;
      return out;
    }
    if (std::isinf(x)) return Rounded{f_inf, {}};
  }
  arith::ScopedMpfr arg(64);
  arith::ScopedMpfr lo(bits);
  arith::ScopedMpfr hi(bits);
  mpfr_set_d(arg.get(), x, MPFR_RNDN);  // exact
  const auto eval = fn == Fn::exp ? mpfr_exp : mpfr_log;
  eval(lo.get(), arg.get(), MPFR_RNDD);
  eval(hi.get(), arg.get(), MPFR_RNDU);
  std::optional<Rounded> result;
  if (mpfr_inf_p(hi.get()) || mpfr_get_exp(lo.get()) > f.emax() + 2) {
    // Far beyond the largest finite value (exp(x) past MPFR's own range included).
    out.flags.raise(arith::Flag::overflow);
    out.flags.raise(arith::Flag::inexact);
    out.value = mpfr_signbit(lo.get()) ? -f_inf : f_inf;
    result = out;
  } else if (mpfr_zero_p(lo.get()) || mpfr_get_exp(hi.get()) < f.emin_subnormal() - 2) {
    // Below half the smallest subnormal: exp of a very negative x rounds to +0.
    out.flags.raise(arith::Flag::underflow);
    out.flags.raise(arith::Flag::inexact);
    out.value = mpfr_signbit(hi.get()) ? -0.0 : 0.0;
    result = out;
  } else {
    // The value lies strictly inside (lo, hi): never an end, never exactly representable.
    const Rounded down = round_rational(exact(lo.get()), f, +1);
    const Rounded up = round_rational(exact(hi.get()), f, -1);
    if (same_bits(down.value, up.value) && down.flags == up.flags) result = down;
  }
  return result;
}

}  // namespace freelunch::testing
