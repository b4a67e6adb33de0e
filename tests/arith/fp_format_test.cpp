#define BOOST_TEST_MODULE fp_format
#include "support/test_support.hpp"

#include <boost/mpl/list.hpp>
#include <cmath>
#include <limits>

#include "arith/mpfr_arith.hpp"
#include "arith/precision.hpp"
#include "arith/soft_float.hpp"
#include "float_oracle.hpp"

// The rounding rule of fp_format.hpp (nearest even, subnormals, overflow to inf or, in FN style,
// NaN; flags as flags.hpp), on both paths that implement it:
//  - from_rational: the nearest format value, checked against its two neighbours in the format
//    (bit pattern +-1) with exact rationals, and against the rational oracle, flags included;
//  - the named corner cases, one typed test body over SoftFloatArith and MpfrArith;
//  - every pair of 8-bit values (e5m2, e4m3) against the rational oracle.

using namespace freelunch;
using namespace freelunch::arith;
using freelunch::testing::Op;
using freelunch::testing::Rounded;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
const double kNaN = std::numeric_limits<double>::quiet_NaN();

FpFormat format(const char* name) { return std::get<FloatSpec>(parse_precision(name).spec).format; }

// The two paths behind one interface, for the typed tests.
struct FastPath {
  using Arith = SoftFloatArith;
  static SoftFloat value(const Arith& ar, double x) { return {x, &ar}; }
  static double as_double(const SoftFloat& v) { return v.value(); }
};
struct MpfrPath {
  using Arith = MpfrArith;
  static MpfrValue value(const Arith& ar, double x) {
    MpfrValue v = ar.make();
    mpfr_set_d(v.get(), x, MPFR_RNDN);  // exact: a format value
    return v;
  }
  static double as_double(const MpfrValue& v) { return mpfr_get_d(v.get(), MPFR_RNDN); }
};
using Paths = boost::mpl::list<FastPath, MpfrPath>;

Flags flags(std::initializer_list<Flag> fs) {
  Flags out;
  for (Flag f : fs) out.raise(f);
  return out;
}

// A regression case: a op b in the format gives `want` with `want_flags`; `catches` says what
// goes wrong when it fails.
struct Corner {
  const char* format;
  Op op;
  double a, b;
  double want;
  Flags want_flags;
  const char* catches;
};

const Flags kNone{};
const Flags kInexact = flags({Flag::inexact});
const Flags kUnderflow = flags({Flag::inexact, Flag::underflow});
const Flags kOverflow = flags({Flag::inexact, Flag::overflow});
const Flags kInvalid = flags({Flag::invalid});
const Flags kDivByZero = flags({Flag::divbyzero});

const Corner kCorners[] = {
    // fp16: max 65504, the next value would be 65536; 65520 is the midpoint.
    {"fp16", Op::add, 65504, 16, kInf, kOverflow, "ties-to-even at the overflow threshold: 65520 goes to the even 2^16, beyond max"},
    {"fp16", Op::add, 65504, 15.984375, 65504, kInexact, "just under the threshold (65519.98...) stays at max, no overflow"},
    {"fp16", Op::sub, -65504, 16, -kInf, kOverflow, "the threshold for negative values"},
    {"fp16", Op::mul, 256, 256, kInf, kOverflow, "2^16 is exact in binary64 and needs no rounding, yet overflows fp16"},
    {"fp16", Op::mul, 0x1p-24, 0.5, 0, kUnderflow, "half the smallest subnormal is a tie that goes to +0"},
    {"fp16", Op::mul, -0x1p-24, 0.5, -0.0, kUnderflow, "the same to -0: the sign survives underflow"},
    {"fp16", Op::mul, 0x1p-24, 0x1.004p-1, 0x1p-24, kUnderflow, "just above half the smallest subnormal rounds up to it"},
    {"fp16", Op::mul, 0x1p-24, 1.5, 0x1p-23, kUnderflow, "1.5 smallest subnormals ties to the even 2"},
    {"fp16", Op::mul, 0x1p-14, 1 - 0x1p-11, 0x1p-14, kUnderflow,
     "rounds to the smallest normal but is tiny after rounding (11 bits hold 1 - 2^-11): underflow"},
    {"fp16", Op::mul, 1 - 0x1p-6, 0x1.04p-14, 0x1p-14, kInexact,
     "(1 - 2^-12) 2^-14 rounds to 2^-14 with 11 bits and an unbounded exponent: not tiny, no underflow"},
    {"fp16", Op::div, 0x1p-14, 1024, 0x1p-24, kNone, "an exact subnormal quotient raises nothing"},
    // Signed zeros and special values (IEEE 754 6.3, 7.2, 7.3).
    {"fp16", Op::add, -0.0, -0.0, -0.0, kNone, "-0 + -0 = -0"},
    {"fp16", Op::add, -0.0, 0.0, 0.0, kNone, "-0 + +0 = +0 when rounding to nearest"},
    {"fp16", Op::sub, 3, 3, 0.0, kNone, "x - x = +0"},
    {"fp16", Op::add, -3, 3, 0.0, kNone, "-x + x = +0"},
    {"fp16", Op::sub, -0.0, 0.0, -0.0, kNone, "-0 - +0 = -0"},
    {"fp16", Op::mul, -0.0, 5, -0.0, kNone, "the sign of a zero product is the xor of the signs"},
    {"fp16", Op::div, -0.0, 5, -0.0, kNone, "-0 / x = -0"},
    {"fp16", Op::div, 5, -kInf, -0.0, kNone, "x / -inf = -0, exact"},
    {"fp16", Op::sqrt, -0.0, 0, -0.0, kNone, "sqrt(-0) = -0"},
    {"fp16", Op::div, 1, -0.0, -kInf, kDivByZero, "1 / -0 = -inf, division by zero only"},
    {"fp16", Op::sub, kInf, kInf, kNaN, kInvalid, "inf - inf is invalid"},
    {"fp16", Op::mul, 0, kInf, kNaN, kInvalid, "0 * inf is invalid"},
    {"fp16", Op::div, 0, 0, kNaN, kInvalid, "0 / 0 is invalid, not a division by zero"},
    {"fp16", Op::sqrt, -1, 0, kNaN, kInvalid, "sqrt(-1) is invalid"},
    {"fp16", Op::add, kNaN, 1, kNaN, kNone, "a NaN operand propagates without a flag"},
    // fp32 and bf16: the smallest-subnormal tie with the exponent field's last bit even.
    {"fp32", Op::mul, 0x1.8p-100, 0x1p-49, 0x1p-148, kUnderflow,
     "1.5 * 2^-149 ties to the even 2^-148 (the tie bit at drop = 52 is the implicit 1, not the exponent's)"},
    {"fp32", Op::mul, 0x1p-149, 0.5, 0, kUnderflow, "half the smallest fp32 subnormal goes to +0"},
    {"bf16", Op::mul, 1.5, 0x1p-133, 0x1p-132, kUnderflow, "1.5 * 2^-133 ties to the even 2^-132"},
    {"bf16", Op::add, 0x1.fep127, 0x1p119, kInf, kOverflow, "bf16 max + half an ulp ties to the even 2^128: overflow"},
    // e4m3 (OCP E4M3FN): max 448, no infinity, overflow gives NaN.
    {"e4m3", Op::add, 448, 16, 448, kInexact, "464, the midpoint to the absent 480, ties to the even 448"},
    {"e4m3", Op::add, 448, 32, kNaN, kOverflow, "480 is past max: NaN, flagged overflow (not invalid)"},
    {"e4m3", Op::mul, 240, 2, kNaN, kOverflow, "480 is exact in binary64, still an overflow"},
    {"e4m3", Op::sub, -448, 32, kNaN, kOverflow, "negative overflow is NaN too"},
    {"e4m3", Op::add, 256, 192, 448, kNone, "448 itself is exact"},
    {"e4m3", Op::div, 1, 0, kNaN, kDivByZero, "x / 0 has no infinity to go to: NaN, flagged divbyzero only"},
    {"e4m3", Op::div, 0, 0, kNaN, kInvalid, "0 / 0 is invalid"},
    {"e4m3", Op::mul, 0x1p-9, 0.5, 0, kUnderflow, "half the smallest subnormal 2^-9 goes to +0"},
    {"e4m3", Op::mul, 0x1p-9, 1.5, 0x1p-8, kUnderflow, "1.5 smallest subnormals ties to the even 2"},
    // e5m2: max 57344 (1.75 * 2^15), infinities.
    {"e5m2", Op::add, 57344, 4096, kInf, kOverflow, "61440, the midpoint to 2^16, ties to the even 2^16: overflow"},
    {"e5m2", Op::add, 57344, 2048, 57344, kInexact, "59392 stays at max"},
    {"e5m2", Op::mul, 0x1p-16, 0.5, 0, kUnderflow, "half the smallest subnormal 2^-16 goes to +0"},
    {"e5m2", Op::sub, -kInf, -kInf, kNaN, kInvalid, "-inf - -inf is invalid"},
    // fp64: native double, flags from error-free transformations except near the bottom.
    {"fp64", Op::mul, 0x1.8p-537, 0x1.8p-537, 0x1p-1073, kUnderflow,
     "2.25 * 2^-1074: the fma residual 0.25 * 2^-1074 vanished below the subnormal grid and read as exact"},
    {"fp64", Op::mul, 0x1p-1074, 0.5, 0, kUnderflow, "a product underflowing to 0 is inexact"},
    {"fp64", Op::mul, 1 - 0x1p-53, 0x1p-1022, 0x1p-1022, kUnderflow,
     "rounds to the smallest normal, tiny after rounding to 53 bits: underflow"},
    {"fp64", Op::div, 0x3p-1074, 2, 0x1p-1073, kUnderflow, "a subnormal quotient tie to even"},
    {"fp64", Op::div, 0x1p-1022, 0x1p52, 0x1p-1074, kNone, "an exact subnormal quotient raises nothing"},
    {"fp64", Op::div, 3, kInf, 0, kNone, "x / inf = 0 is exact (its fma residual is NaN)"},
    {"fp64", Op::sqrt, 0x3p-1074, 0, std::sqrt(0x3p-1074), kInexact, "sqrt of a subnormal: the residual needs scaling to be seen"},
    {"fp64", Op::sqrt, 0x1p-1072, 0, 0x1p-536, kNone, "sqrt(2^-1072) = 2^-536 exactly"},
    {"fp64", Op::add, 0x1.fffffffffffffp1023, 0x1p970, kInf, kOverflow, "max + half an ulp ties to even past max"},
};

template <class P>
double apply(Op op, const typename P::Arith& ar, double a, double b) {
  const auto x = P::value(ar, a);
  const auto y = P::value(ar, b);
  switch (op) {
    case Op::add: return P::as_double(x + y);
    case Op::sub: return P::as_double(x - y);
    case Op::mul: return P::as_double(x * y);
    case Op::div: return P::as_double(x / y);
    default: return P::as_double(ar.sqrt(x));
  }
}

// A value just above (+1) or below (-1) q: q +- 2^-200 |q|, closer than any format quantum
// near q and never a tie.
Rational nudged(const Rational& q, int side) { return q + Rational(side) * (q < 0 ? Rational(-q) : q) * pow2(-200); }

}  // namespace

BOOST_AUTO_TEST_CASE_TEMPLATE(corner_cases, P, Paths) {
  for (const Corner& c : kCorners) {
    const typename P::Arith ar(format(c.format));
    ar.clear_flags();
    const double got = apply<P>(c.op, ar, c.a, c.b);
    BOOST_TEST_CONTEXT(c.format << " " << testing::op_name(c.op) << "(" << testing::hex(c.a) << ", " << testing::hex(c.b)
                                << "), rounding nearest-even; catches: " << c.catches) {
      BOOST_TEST(testing::same_bits(got, c.want), "got " << testing::hex(got) << ", want " << testing::hex(c.want));
      BOOST_TEST(ar.flags().to_string() == c.want_flags.to_string());
      // The oracle agrees with the table (it is what the random tests trust).
      const Rounded o = testing::oracle(c.op, c.a, c.b, format(c.format));
      BOOST_TEST(testing::same_bits(o.value, c.want));
      BOOST_TEST(o.flags.to_string() == c.want_flags.to_string());
    }
  }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(from_rational_corner_cases, P, Paths) {
  struct Case {
    const char* format;
    Rational q;
    double want;
    Flags want_flags;
  };
  const Case cases[] = {
      {"fp16", Rational(65520), kInf, kOverflow},            // the overflow tie goes to even 2^16
      {"fp16", parse_rational("65519.99"), 65504, kInexact},  // just under it: max
      {"fp16", Rational(-65520), -kInf, kOverflow},
      {"fp16", pow2(-25), 0, kUnderflow},                     // half the smallest subnormal: +0
      {"fp16", Rational(-1) * pow2(-25), -0.0, kUnderflow},   // ... -0 for a negative value
      {"fp16", nudged(pow2(-25), 1), 0x1p-24, kUnderflow},    // a hair above it: the subnormal
      {"fp16", Rational(3) * pow2(-25), 0x1p-23, kUnderflow}, // 1.5 subnormals: tie to even 2
      {"fp16", Rational(1, 3), 0x1.554p-2, kInexact},
      {"e4m3", Rational(464), 448, kInexact},                 // 464 ties to the even 448
      {"e4m3", Rational(465), kNaN, kOverflow},               // past it: NaN (FN style)
      {"e4m3", Rational(-464), -448, kInexact},
      {"e5m2", Rational(61440), kInf, kOverflow},             // ties to even 2^16: overflow
      {"e5m2", Rational(61439), 57344, kInexact},
      {"fp32", Rational(3) * pow2(-150), 0x1p-148, kUnderflow},
      {"fp64", Rational(3) * pow2(-1075), 0x1p-1073, kUnderflow},
  };
  for (const Case& c : cases) {
    const typename P::Arith ar(format(c.format));
    ar.clear_flags();
    const double got = P::as_double(ar.from_rational(c.q));
    BOOST_TEST_CONTEXT(c.format << " from_rational(" << c.q << ")") {
      BOOST_TEST(testing::same_bits(got, c.want), "got " << testing::hex(got) << ", want " << testing::hex(c.want));
      BOOST_TEST(ar.flags().to_string() == c.want_flags.to_string());
    }
  }
}

BOOST_AUTO_TEST_CASE(from_rational_is_the_nearest_value_on_both_paths) {
  // Random rationals across each format's range (subnormals to past the overflow threshold),
  // exact midpoints between neighbours, and values a hair off a midpoint. Both paths must give
  // the same bits and flags, equal to the oracle's; and independently of the oracle, no format
  // neighbour of the result (bit pattern +-1) may be closer to q, with the even pattern on a tie.
  const std::uint64_t n = testing::iterations(20000);
  for (const char* name : {"fp16", "bf16", "fp32", "fp64", "e5m2", "e4m3", "f6.9", "f3.2"}) {
    const FpFormat f = format(name);
    const SoftFloatArith fast(f);
    const MpfrArith slow(f);
    std::mt19937_64 rng(testing::seed() * 65537u + static_cast<std::uint64_t>(f.exp_bits * 64 + f.man_bits));
    std::uint64_t ties = 0, overflows = 0, underflows = 0, mismatches = 0;
    for (std::uint64_t i = 0; i < n; ++i) {
      // The exponent: anywhere, or at the bottom (subnormals, underflow), or at the top.
      const std::uint64_t where = testing::below(rng, 4);
      const long e = where == 0   ? testing::between(rng, f.emin_subnormal() - 3, f.emin_normal() + 1)
                     : where == 1 ? testing::between(rng, f.emax() - 1, f.emax() + 2)
                                  : testing::between(rng, f.emin_subnormal() - 3, f.emax() + 2);
      Rational q;
      const std::uint64_t kind = testing::below(rng, 3);
      if (kind == 0) {  // a random fraction near 2^e
        const Integer num(static_cast<long long>(testing::between(rng, 1, 1L << 40)));
        const Integer den(static_cast<long long>(testing::between(rng, 1, 1L << 40)));
        q = Rational(num, den) * pow2(e);
      } else {  // the midpoint (2k + 1) 2^(k0 - 1) for the quantum 2^k0 at 2^e, perhaps nudged
        const long k0 = std::max<long>(e, f.emin_normal()) - f.man_bits;
        const Integer k(static_cast<long long>(testing::below(rng, 1ull << std::min(f.man_bits + 1, 60))));
        q = Rational(2 * k + 1) * pow2(k0 - 1);
        if (kind == 2) q = nudged(q, testing::below(rng, 2) ? 1 : -1);
      }
      if (testing::below(rng, 2)) q = -q;

      fast.clear_flags();
      slow.clear_flags();
      const double rf = fast.from_rational(q).value();
      const double rs = mpfr_get_d(slow.from_rational(q).get(), MPFR_RNDN);
      const Rounded want = testing::round_rational(q, f);
      bool ok = testing::same_bits(rf, want.value) && testing::same_bits(rs, want.value) && fast.flags() == want.flags &&
                slow.flags() == want.flags;
      if (want.flags.test(Flag::overflow)) ++overflows;
      if (want.flags.test(Flag::underflow)) ++underflows;
      if (std::isfinite(rf)) {
        // Neighbours by bit pattern, within the finite values.
        const Rational aq = q < 0 ? Rational(-q) : q;
        const auto distance = [&](double v) {
          const Rational d = testing::exact(v) - aq;
          return d < 0 ? Rational(-d) : d;
        };
        const std::uint64_t bits = testing::encode(std::fabs(rf), f);
        const Rational d = distance(std::fabs(rf));
        for (const std::int64_t step : {-1, 1}) {
          if (bits == 0 && step < 0) continue;
          const double nb = testing::decode(bits + static_cast<std::uint64_t>(step), f);
          if (!std::isfinite(nb)) continue;
          const Rational dnb = distance(nb);
          if (dnb < d || (dnb == d && (bits & 1u) != 0)) ok = false;
          if (dnb == d) ++ties;
        }
      }
      if (!ok && ++mismatches <= 10)
        BOOST_ERROR(name << " from_rational(" << q << ") seed " << testing::seed() << " iteration " << i << ": fast " << testing::hex(rf)
                         << " " << fast.flags().to_string() << ", MPFR " << testing::hex(rs) << " " << slow.flags().to_string()
                         << ", oracle " << testing::hex(want.value) << " " << want.flags.to_string());
    }
    BOOST_TEST_MESSAGE(name << " from_rational: " << n << " rationals, " << ties << " ties, " << overflows << " overflows, " << underflows
                            << " underflows, " << mismatches << " mismatches");
    BOOST_TEST(mismatches == 0u);
    BOOST_TEST(ties > n / 10);
    BOOST_TEST(overflows > n / 1000);
    BOOST_TEST(underflows > n / 1000);
  }
}

BOOST_AUTO_TEST_CASE(eight_bit_formats_on_every_pair_match_the_rational_oracle) {
  // Every pair by default; a multiplier below 1 (the sanitizer run) visits that fraction of the
  // pairs, in an order (odd stride modulo 2^16) that spreads them over the whole table.
  const std::uint64_t pairs = std::min<std::uint64_t>(65536, testing::iterations(65536));
  for (const char* name : {"e5m2", "e4m3"}) {
    const FpFormat f = format(name);
    const SoftFloatArith ar(f);
    for (Op op : {Op::add, Op::sub, Op::mul, Op::div, Op::sqrt}) {
      std::uint64_t mismatches = 0;
      const std::uint64_t count = op == Op::sqrt ? 256 : pairs;
      for (std::uint64_t i = 0; i < count; ++i) {
        const std::uint64_t pair = op == Op::sqrt ? i : (i * 40503u) % 65536;
        const double a = testing::decode(pair % 256, f);
        const double b = testing::decode(pair / 256, f);
        ar.clear_flags();
        const double got = apply<FastPath>(op, ar, a, b);
        const Rounded want = testing::oracle(op, a, b, f);
        if ((!testing::same_bits(got, want.value) || ar.flags() != want.flags) && ++mismatches <= 10)
          BOOST_ERROR(name << " " << testing::op_name(op) << "(" << testing::hex(a) << ", " << testing::hex(b) << "): got " << testing::hex(got)
                           << " " << ar.flags().to_string() << ", want " << testing::hex(want.value) << " " << want.flags.to_string());
      }
      BOOST_TEST_MESSAGE(name << " " << testing::op_name(op) << ": " << count << (count == 65536 ? " (every pair)" : op == Op::sqrt ? " (every value)" : " pairs")
                              << ", " << mismatches << " mismatches");
      BOOST_TEST(mismatches == 0u);
    }
  }
}

BOOST_AUTO_TEST_CASE(format_parameters) {
  const FpFormat e4m3 = format("e4m3");
  BOOST_TEST(!e4m3.has_infinity);
  BOOST_TEST(e4m3.emax() == 8);
  BOOST_TEST(e4m3.max_finite() == Rational(448));
  BOOST_TEST(e4m3.max_finite_double == 448.0);
  BOOST_TEST(format("e5m2").max_finite() == Rational(57344));
  BOOST_TEST(format("fp64").max_finite_double == std::numeric_limits<double>::max());
  // Past binary64's range: +inf, without building the 2^29-bit max_finite() (parsing "f30.3" took
  // a second and 130 MB).
  BOOST_TEST(std::isinf(format("f30.3").max_finite_double));
  BOOST_TEST(std::isinf(format("f11.60").max_finite_double));  // (2 - 2^-60) 2^1023 > DBL_MAX
  for (const char* fast : {"fp32", "bf16", "fp16", "e5m2", "e4m3", "f6.9", "f9.24"}) BOOST_TEST(format(fast).fits_double_fast_path(), fast);
  // 2p + 2 > 53 (f9.25: p = 26), or products beyond binary64's range: MPFR path only.
  for (const char* slow : {"fp64", "f8.30", "f9.25", "f10.10"}) BOOST_TEST(!format(slow).fits_double_fast_path(), slow);
  BOOST_CHECK_THROW(SoftFloatArith(format("f8.30")), UsageError);
}
