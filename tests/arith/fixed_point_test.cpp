#define BOOST_TEST_MODULE fixed_point
#include "support/test_support.hpp"

#include <mpfr.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <optional>
#include <random>

#include "arith/fixed_point.hpp"
#include "arith/scoped_mpfr.hpp"
#include "float_oracle.hpp"

// Fixed point fixI.F against an oracle written with Rational arithmetic only: the exact result,
// rounded to the nearest multiple of 2^-F (ties to even), then saturated; flags as
// fixed_point.hpp states them. Raw operands are random words with the extremes mixed in.
// exp and log against MPFR at high precision enclosing the value, rounded the same way.

using namespace freelunch;
using namespace freelunch::arith;

namespace {

struct Expected {
  std::int64_t raw = 0;
  Flags flags;
};

// floor(q) for any rational q (Integer division truncates toward zero).
Integer floor_of(const Rational& q) {
  const Integer num = boost::multiprecision::numerator(q);
  const Integer den = boost::multiprecision::denominator(q);
  Integer quotient = num / den;
  if (num < 0 && quotient * den != num) quotient -= 1;
  return quotient;
}

// The raw word of q rounded to the grid 2^-F (nearest, ties to even) and saturated. With nudge
// +-1, for a value infinitely close to q above (+1) or below (-1) it: never exact, never a tie.
Expected round_to_grid(const Rational& q, const FixedFormat& fmt, int nudge = 0) {
  Expected out;
  const Rational scaled = q * pow2(fmt.frac_bits);
  Integer n = floor_of(scaled);
  const Rational frac = scaled - Rational(n);
  const bool on_grid = frac == 0 && nudge == 0;
  if (frac == 0 && nudge < 0) n -= 1;  // just below a grid point: its lower neighbour's interval
  const int half = frac == 0 ? (nudge < 0 ? 1 : -1) : (frac > Rational(1, 2) ? 1 : (frac < Rational(1, 2) ? -1 : nudge));
  if (half > 0 || (half == 0 && (n & 1) != 0)) n += 1;
  if (!on_grid) out.flags.raise(Flag::inexact);
  if (n == 0 && (q != 0 || nudge != 0)) out.flags.raise(Flag::underflow);
  if (n > Integer(fmt.max_raw()) || n < Integer(fmt.min_raw())) {
    out.flags.raise(Flag::overflow);
    out.flags.raise(Flag::inexact);
    out.raw = n > 0 ? fmt.max_raw() : fmt.min_raw();
    return out;
  }
  out.raw = static_cast<std::int64_t>(static_cast<long long>(n));
  return out;
}

Rational value_of(std::int64_t raw, const FixedFormat& fmt) { return Rational(raw) * pow2(-fmt.frac_bits); }

enum class Op { add, sub, mul, div, sqrt, neg, abs };
const char* op_name(Op op) {
  static const char* const names[] = {"add", "sub", "mul", "div", "sqrt", "neg", "abs"};
  return names[static_cast<int>(op)];
}

Expected oracle(Op op, std::int64_t a, std::int64_t b, const FixedFormat& fmt) {
  const Rational x = value_of(a, fmt);
  const Rational y = value_of(b, fmt);
  switch (op) {
    case Op::add: return round_to_grid(x + y, fmt);
    case Op::sub: return round_to_grid(x - y, fmt);
    case Op::mul: return round_to_grid(x * y, fmt);
    case Op::neg: return round_to_grid(-x, fmt);
    case Op::abs: return round_to_grid(x < 0 ? Rational(-x) : x, fmt);
    case Op::div: {
      Expected out;
      if (b != 0) return round_to_grid(x / y, fmt);
      out.flags.raise(a == 0 ? Flag::invalid : Flag::divbyzero);
      out.raw = a == 0 ? 0 : (a > 0 ? fmt.max_raw() : fmt.min_raw());
      return out;
    }
    default: {
      Expected out;
      if (a < 0) {
        out.flags.raise(Flag::invalid);
        return out;
      }
      // sqrt(x) 2^F = sqrt(a 2^F), never a tie ((2n + 1)^2 is odd, 4 a 2^F even): its floor n,
      // plus one when above n + 1/2; then saturated like any value.
      const Integer radicand = Integer(a) << static_cast<unsigned>(fmt.frac_bits);
      Integer n = boost::multiprecision::sqrt(radicand);
      const bool exact = n * n == radicand;
      if (4 * radicand > (2 * n + 1) * (2 * n + 1)) n += 1;
      Expected r = round_to_grid(Rational(n) * pow2(-fmt.frac_bits), fmt);
      if (!exact) r.flags.raise(Flag::inexact);
      return r;
    }
  }
}

Fixed apply(Op op, const FixedArith& ar, const Fixed& a, const Fixed& b) {
  switch (op) {
    case Op::add: return a + b;
    case Op::sub: return a - b;
    case Op::mul: return a * b;
    case Op::div: return a / b;
    case Op::sqrt: return ar.sqrt(a);
    case Op::neg: return -a;
    default: return ar.abs(a);
  }
}

// A raw word: uniform over the range, an extreme (min, max, next to them, 0, +-1 ulp, +-1.0),
// a short one (small magnitude, few bits: exact products), or +-2^j (products that are ties).
std::int64_t random_raw(std::mt19937_64& rng, const FixedFormat& fmt) {
  const std::int64_t lo = fmt.min_raw();
  const std::int64_t hi = fmt.max_raw();
  const std::int64_t one = std::int64_t{1} << fmt.frac_bits;
  const int width = fmt.int_bits + fmt.frac_bits;
  switch (testing::below(rng, 5)) {
    case 0: {
      const std::int64_t extremes[] = {lo, lo + 1, hi, hi - 1, 0, 1, -1, one, -one};
      return std::clamp(extremes[testing::below(rng, std::size(extremes))], lo, hi);
    }
    case 1: {
      const int bits = static_cast<int>(testing::between(rng, 0, width - 1));
      const auto mag = static_cast<std::int64_t>(testing::below(rng, std::uint64_t{1} << bits));
      return testing::below(rng, 2) ? mag : -mag;
    }
    case 2: {
      // width - 2 < 0 for fix1.0: only 2^0 there.
      const std::int64_t p = std::int64_t{1} << testing::between(rng, 0, std::max(0, width - 2));
      return std::clamp(testing::below(rng, 2) ? p : -p, lo, hi);
    }
    default: return lo + static_cast<std::int64_t>(testing::below(rng, static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo) + 1));
  }
}

const FixedFormat kFormats[] = {{16, 16}, {8, 8}, {1, 15}, {32, 30}, {62, 0}, {2, 60}, {4, 2}, {1, 0}};

}  // namespace

BOOST_AUTO_TEST_CASE(operations_are_the_exact_result_rounded_once_and_saturated) {
  const std::uint64_t n = testing::iterations(20000);
  for (const FixedFormat& fmt : kFormats) {
    const FixedArith ar(fmt);
    std::mt19937_64 rng(testing::seed() * 257u + static_cast<std::uint64_t>(fmt.int_bits * 64 + fmt.frac_bits));
    for (Op op : {Op::add, Op::sub, Op::mul, Op::div, Op::sqrt, Op::neg, Op::abs}) {
      std::uint64_t inexact = 0, saturated = 0, ties = 0, mismatches = 0;
      for (std::uint64_t i = 0; i < n; ++i) {
        const std::int64_t a = random_raw(rng, fmt);
        const std::int64_t b = random_raw(rng, fmt);
        ar.clear_flags();
        const Fixed r = apply(op, ar, Fixed(a, &ar), Fixed(b, &ar));
        const Expected want = oracle(op, a, b, fmt);
        if (want.flags.test(Flag::inexact)) ++inexact;
        if (want.flags.test(Flag::overflow)) ++saturated;
        if (op == Op::mul && fmt.frac_bits > 0) {
          const __int128 p = static_cast<__int128>(a) * b;
          const auto mag = static_cast<unsigned __int128>(p < 0 ? -p : p);
          const unsigned __int128 quantum = static_cast<unsigned __int128>(1) << fmt.frac_bits;
          if ((mag & (quantum - 1)) == quantum / 2) ++ties;
        }
        if ((r.raw() != want.raw || ar.flags() != want.flags) && ++mismatches <= 10)
          BOOST_ERROR(fmt.name() << " " << op_name(op) << " seed " << testing::seed() << " iteration " << i << ": raw a = " << a << ", b = " << b
                                 << ", rounding nearest-even: got " << r.raw() << " " << ar.flags().to_string() << ", want " << want.raw
                                 << " " << want.flags.to_string());
      }
      BOOST_TEST_MESSAGE(fmt.name() << " " << op_name(op) << ": " << n << " pairs, " << inexact << " inexact, " << saturated << " saturated, "
                                    << ties << " ties, " << mismatches << " mismatches");
      BOOST_TEST(mismatches == 0u);
      // fix1.F products saturate only for (-1)(-1).
      if (op == Op::add || (op == Op::mul && fmt.int_bits > 1)) BOOST_TEST(saturated > n / 100, fmt.name() << " " << op_name(op) << ": too few saturated");
      if (op == Op::mul && fmt.frac_bits > 0) BOOST_TEST(ties > n / 1000, fmt.name() << " mul: too few ties");
    }
  }
}

BOOST_AUTO_TEST_CASE(division_by_zero_and_saturation_flags) {
  const FixedArith ar(FixedFormat{8, 8});
  const auto flags_of = [&](auto&& f) {
    ar.clear_flags();
    const Fixed r = f();
    return std::make_pair(r.raw(), ar.flags().to_string());
  };
  const Fixed one = ar.from_int(1);
  const Fixed zero = ar.from_int(0);
  const Fixed max(ar.format().max_raw(), &ar);
  const Fixed min(ar.format().min_raw(), &ar);
  // x / 0 saturates to the end of x's sign, 0 / 0 is 0; neither is an overflow.
  BOOST_TEST((flags_of([&] { return one / zero; }) == std::make_pair(ar.format().max_raw(), std::string("divbyzero"))));
  BOOST_TEST((flags_of([&] { return -one / zero; }) == std::make_pair(ar.format().min_raw(), std::string("divbyzero"))));
  BOOST_TEST((flags_of([&] { return zero / zero; }) == std::make_pair(std::int64_t{0}, std::string("invalid"))));
  // Saturation is an inexact overflow, at either end.
  BOOST_TEST((flags_of([&] { return max + one; }) == std::make_pair(ar.format().max_raw(), std::string("inexact,overflow"))));
  BOOST_TEST((flags_of([&] { return min - one; }) == std::make_pair(ar.format().min_raw(), std::string("inexact,overflow"))));
  BOOST_TEST((flags_of([&] { return -min; }) == std::make_pair(ar.format().max_raw(), std::string("inexact,overflow"))));
  BOOST_TEST((flags_of([&] { return ar.abs(min); }) == std::make_pair(ar.format().max_raw(), std::string("inexact,overflow"))));
  // A nonzero product below half the resolution rounds to 0: underflow. Exactly half: tie to 0.
  const Fixed ulp(1, &ar);
  const Fixed half = ar.from_rational(Rational(1, 2));
  BOOST_TEST((flags_of([&] { return ulp * half; }) == std::make_pair(std::int64_t{0}, std::string("inexact,underflow"))));
  BOOST_TEST((flags_of([&] { return Fixed(3, &ar) * half; }) == std::make_pair(std::int64_t{2}, std::string("inexact"))));
  BOOST_TEST((flags_of([&] { return ar.sqrt(-one); }) == std::make_pair(std::int64_t{0}, std::string("invalid"))));
  // from_rational: past 2^62 saturates at once; exact values raise nothing.
  BOOST_TEST((flags_of([&] { return ar.from_rational(pow2(70)); }) == std::make_pair(ar.format().max_raw(), std::string("inexact,overflow"))));
  BOOST_TEST((flags_of([&] { return ar.from_rational(Rational(-3, 4)); }) == std::make_pair(std::int64_t{-192}, std::string("none"))));
}

BOOST_AUTO_TEST_CASE(from_rational_rounds_to_nearest_even) {
  const std::uint64_t n = testing::iterations(20000);
  for (const FixedFormat& fmt : kFormats) {
    const FixedArith ar(fmt);
    std::mt19937_64 rng(testing::seed() * 263u + static_cast<std::uint64_t>(fmt.int_bits * 64 + fmt.frac_bits));
    std::uint64_t mismatches = 0;
    for (std::uint64_t i = 0; i < n; ++i) {
      // A fraction around 2^k, or a grid midpoint (2m + 1) 2^-(F+1).
      Rational q;
      if (testing::below(rng, 2)) {
        q = Rational(Integer(static_cast<long long>(testing::between(rng, -(1L << 40), 1L << 40))),
                     Integer(static_cast<long long>(testing::between(rng, 1, 1L << 40)))) *
            pow2(testing::between(rng, -fmt.frac_bits - 4, fmt.int_bits + 2));
      } else {
        q = Rational(2 * Integer(random_raw(rng, fmt)) + 1) * pow2(-fmt.frac_bits - 1);
      }
      ar.clear_flags();
      const Fixed r = ar.from_rational(q);
      const Expected want = round_to_grid(q, fmt);
      if ((r.raw() != want.raw || ar.flags() != want.flags) && ++mismatches <= 10)
        BOOST_ERROR(fmt.name() << " from_rational(" << q << "): got " << r.raw() << " " << ar.flags().to_string() << ", want " << want.raw << " "
                               << want.flags.to_string());
    }
    BOOST_TEST_MESSAGE(fmt.name() << " from_rational: " << n << " rationals, " << mismatches << " mismatches");
    BOOST_TEST(mismatches == 0u);
  }
}

namespace {

// exp or log of the value of raw, enclosed by MPFR at `bits` bits (rounded down and up); the
// answer when both ends round to the same word with the same flags, else nullopt (undecided).
std::optional<Expected> transcendental_oracle(bool is_exp, std::int64_t raw, const FixedFormat& fmt, mpfr_prec_t bits) {
  if (is_exp && raw == 0) return round_to_grid(Rational(1), fmt);
  if (!is_exp) {
    Expected out;
    if (raw < 0) {
      out.flags.raise(Flag::invalid);
      return out;
    }
    if (raw == 0) {
      out.flags.raise(Flag::divbyzero);
      out.raw = fmt.min_raw();
      return out;
    }
    if (raw == std::int64_t{1} << fmt.frac_bits) return Expected{};
  }
  ScopedMpfr x(64);
  ScopedMpfr lo(bits);
  ScopedMpfr hi(bits);
  mpfr_set_si(x.get(), raw, MPFR_RNDN);
  mpfr_div_2si(x.get(), x.get(), fmt.frac_bits, MPFR_RNDN);
  const auto f = is_exp ? mpfr_exp : mpfr_log;
  f(lo.get(), x.get(), MPFR_RNDD);
  f(hi.get(), x.get(), MPFR_RNDU);
  // Far beyond the range (saturated), or a positive value far under the resolution (0).
  const bool positive = mpfr_sgn(lo.get()) > 0;
  if (!mpfr_zero_p(lo.get()) && mpfr_get_exp(positive ? lo.get() : hi.get()) > fmt.int_bits + 2)
    return round_to_grid(Rational(positive ? 1 : -1) * pow2(fmt.int_bits + 1), fmt);
  if (mpfr_zero_p(lo.get()) || (positive && mpfr_get_exp(hi.get()) < -fmt.frac_bits - 4)) return round_to_grid(pow2(-fmt.frac_bits - 4), fmt, 1);
  const Expected down = round_to_grid(testing::exact(lo.get()), fmt, +1);
  const Expected up = round_to_grid(testing::exact(hi.get()), fmt, -1);
  if (down.raw != up.raw || down.flags != up.flags) return std::nullopt;
  return down;
}

}  // namespace

BOOST_AUTO_TEST_CASE(exp_and_log_are_correctly_rounded_and_saturated) {
  const std::uint64_t n = testing::iterations(3000);
  for (const FixedFormat& fmt : kFormats) {
    const FixedArith ar(fmt);
    std::mt19937_64 rng(testing::seed() * 269u + static_cast<std::uint64_t>(fmt.int_bits * 64 + fmt.frac_bits));
    const mpfr_prec_t bits = 4 * (fmt.int_bits + fmt.frac_bits) + 128;
    for (const bool is_exp : {true, false}) {
      std::uint64_t saturated = 0, underflows = 0, undecided = 0, mismatches = 0;
      for (std::uint64_t i = 0; i < n; ++i) {
        // Half of the arguments in [-(F + 3), I + 1] (for exp, where it neither saturates nor
        // vanishes at once) or in (0, 4] (log), the rest anywhere.
        std::int64_t raw = random_raw(rng, fmt);
        if (testing::below(rng, 2)) {
          const Rational span = is_exp ? Rational(fmt.int_bits + fmt.frac_bits + 4) : Rational(4);
          const Rational start = is_exp ? Rational(-(fmt.frac_bits + 3)) : Rational(0);
          const Rational q = start + span * Rational(static_cast<long long>(testing::below(rng, 1u << 30)), 1L << 30);
          raw = round_to_grid(q, fmt).raw;
        }
        ar.clear_flags();
        const Fixed r = is_exp ? ar.exp(Fixed(raw, &ar)) : ar.log(Fixed(raw, &ar));
        const std::optional<Expected> want = transcendental_oracle(is_exp, raw, fmt, bits);
        if (!want) {
          ++undecided;
          continue;
        }
        if (want->flags.test(Flag::overflow)) ++saturated;
        if (want->flags.test(Flag::underflow)) ++underflows;
        if ((r.raw() != want->raw || ar.flags() != want->flags) && ++mismatches <= 10)
          BOOST_ERROR(fmt.name() << (is_exp ? " exp" : " log") << " seed " << testing::seed() << " iteration " << i << ": raw x = " << raw
                                 << ", got " << r.raw() << " " << ar.flags().to_string() << ", want " << want->raw << " "
                                 << want->flags.to_string());
      }
      BOOST_TEST_MESSAGE(fmt.name() << (is_exp ? " exp" : " log") << ": " << n << " arguments, " << saturated << " saturated, " << underflows
                                    << " underflows, " << undecided << " undecided, " << mismatches << " mismatches");
      BOOST_TEST(mismatches == 0u);
      BOOST_TEST(undecided <= n / 1000);
    }
  }
}
