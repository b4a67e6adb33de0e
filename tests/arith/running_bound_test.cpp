#define BOOST_TEST_MODULE running_bound
#include "support/test_support.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "arith/interval.hpp"
#include "arith/mpfr_arith.hpp"
#include "arith/precision.hpp"
#include "arith/running_bound.hpp"
#include "arith/soft_float.hpp"
#include "float_oracle.hpp"

// Running error bounds (running_bound.hpp): RunningBoundArith<A> computes exactly what A computes
// and carries with each value x̂ a bound E >= |x̂ − x|, x being what the same program gives in
// exact rational arithmetic from the exact inputs. Tested in the emulated formats (fp16, bf16,
// fp32, fp64), in MPFR (mpfr24) and on fp16's MPFR path:
//  - soundness on random straight-line programs (+ − × ÷, negation, |x|, max, on earlier results
//    and fresh inputs of mixed magnitudes, inputs that cancel earlier results, inputs stored away
//    from their true value): |x̂ − x| <= E against exact Rationals, x̂ bit for bit what A alone
//    computes, and E within a relative 2^-40 above the header's formulas evaluated in exact
//    arithmetic (never below them: every binary64 step rounds up), so a term missing from a
//    formula or a wrong u or η fails even where soundness would not;
//  - exp and log: the bound covers the distance to both ends of a 256-bit MPFI enclosure of the
//    exact value, and matches the formula (evaluated in long double) within 2^-40;
//  - values worked out by hand from the formulas (fp32 1 + 2^-30, the rounding of 1/3 in fp16,
//    from_rational_near, ×, ÷, cancellation, exp, log, the η/2 term under underflow);
//  - non-finite results: overflow, NaN, division by a value whose bound reaches its magnitude,
//    log of a value within its bound of 0, all with bound +inf and is_finite false;
//  - tightness: a sum of 1000 fp32 values and an fp16 dot product of length 100 stay within
//    n u Σ|terms| (a bound in O(n u) as Wilkinson's, not a blown-up one);
//  - rounding_unit: u = 2^-p and η/2 = 2^(emin_subnormal − 1) per format (at least the smallest
//    double), and the smallest double for mpfrP.

using namespace freelunch;
using namespace freelunch::arith;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

FpFormat format(const char* name) { return std::get<FloatSpec>(parse_precision(name).spec).format; }

Rational q(double d) { return rational_from_double(d); }  // d finite
Rational mag(const Rational& x) { return x < 0 ? Rational(-x) : x; }
double to_double(const Rational& x) { return x.convert_to<double>(); }

// floor-ish log2 |x| (within 1), x != 0.
long log2_of(const Rational& x) {
  return static_cast<long>(boost::multiprecision::msb(Integer(boost::multiprecision::abs(boost::multiprecision::numerator(x))))) -
         static_cast<long>(boost::multiprecision::msb(Integer(boost::multiprecision::denominator(x))));
}
// Bits of numerator and denominator together (keeps the exact values of the programs small).
long size_bits(const Rational& x) {
  if (x == 0) return 0;
  return static_cast<long>(boost::multiprecision::msb(Integer(boost::multiprecision::abs(boost::multiprecision::numerator(x))))) +
         static_cast<long>(boost::multiprecision::msb(Integer(boost::multiprecision::denominator(x))));
}

// A random rational m / d * 2^e with a 24-bit m, |m / 2^24| in [2^-24, 1), d = 1 (dyadic, often
// exact in the format) or an odd d up to 255 (never exact), e uniform in [emin, emax].
Rational random_input(std::mt19937_64& rng, long emin, long emax) {
  const long m = testing::between(rng, 1, (1L << 24) - 1) * (testing::below(rng, 2) == 0 ? 1 : -1);
  const long d = testing::below(rng, 3) == 0 ? 1 : 2 * testing::between(rng, 1, 127) + 1;
  return Rational(Integer(m), Integer(d)) * pow2(testing::between(rng, emin, emax) - 24);
}

// A random rational in [lo, hi] (m / (2^30 d) with an odd d, sometimes 1).
Rational random_in(std::mt19937_64& rng, const Rational& lo, const Rational& hi) {
  const long d = testing::below(rng, 3) == 0 ? 1 : 2 * testing::between(rng, 1, 127) + 1;
  const Rational t(Integer(testing::between(rng, 0, d << 30)), Integer(d) * Integer(1L << 30));
  return lo + (hi - lo) * t;
}

// rational_from_double(bound) within [lo, hi].
bool within(double bound, const Rational& lo, const Rational& hi) {
  if (!std::isfinite(bound)) return false;
  const Rational b = q(bound);
  return lo <= b && b <= hi;
}

// ---- random straight-line programs ------------------------------------------------------------

enum class Op { add, sub, mul, div, neg, abs, max };
const char* op_name(Op op) {
  switch (op) {
    case Op::add: return "+";
    case Op::sub: return "-";
    case Op::mul: return "*";
    case Op::div: return "/";
    case Op::neg: return "neg";
    case Op::abs: return "abs";
    case Op::max: return "max";
  }
  return "?";
}

// Where the inputs of a program come from: exponents in [emin, emax], and, when tiny_exp is set,
// also values near 2^tiny_exp (the bottom of the format's normal range: their products and
// differences underflow, which is what the η/2 term is for).
struct Shape {
  long emin;
  long emax;
  bool tiny;
  long tiny_exp;
};

template <class A>
struct Slot {
  typename RunningBoundArith<A>::value_type bounded;
  typename A::value_type plain;  // the same program in A alone
  Rational exact;                // the exact program's value (when defined)
  bool defined = true;           // false after an exact division by zero
  Rational ref;                  // the header's formulas in exact arithmetic, from the computed values
  bool ref_inf = false;
  bool tight = true;  // no division in its history had |ŷ| < 2 Ey (where the slack of the
                      // binary64 steps is amplified: only E >= ref is checked then)
  bool live = true;   // usable as an operand
};

template <class A>
class ProgramCheck {
 public:
  ProgramCheck(const A& inner, Shape shape, std::uint64_t salt)
      : inner_(inner), ar_(inner), shape_(shape), u_(q(ar_.unit().u)), half_eta_(q(ar_.unit().half_eta)),
        rng_(testing::seed() * 7919u + salt) {}

  void run(std::uint64_t programs, int steps) {
    for (std::uint64_t p = 0; p < programs; ++p) {
      program_ = p;
      slots_.clear();
      for (int s = 0; s < steps; ++s) {
        step_ = s;
        if (live_count() < 2 || testing::below(rng_, 10) < 3)
          add_input();
        else
          add_operation();
      }
    }
    BOOST_TEST_MESSAGE(ar_.name() << ": " << programs << " programs, " << results_ << " results (" << finite_ << " finite, " << underflows_
                                  << " below the normal range), largest bound / formula - 1 = " << worst_excess_);
    BOOST_TEST(failures_ == 0u);
    // Not vacuous: most results are finite and checked.
    BOOST_TEST(finite_ * 10 > results_ * 7);
    if (shape_.tiny) BOOST_TEST(underflows_ > 0u);
  }

 private:
  using Value = typename A::value_type;

  std::size_t live_count() const {
    return static_cast<std::size_t>(std::count_if(slots_.begin(), slots_.end(), [](const Slot<A>& s) { return s.live; }));
  }
  std::size_t pick_live() {
    std::vector<std::size_t> live;
    for (std::size_t i = 0; i < slots_.size(); ++i)
      if (slots_[i].live) live.push_back(i);
    return live[testing::below(rng_, live.size())];
  }

  void add_input() {
    Rational truth, used;
    const std::uint64_t kind = testing::below(rng_, 10);
    if (kind < 5 || (kind == 5 && !shape_.tiny) || (kind < 8 && live_count() == 0)) {
      truth = used = random_input(rng_, shape_.emin, shape_.emax);
    } else if (kind == 5) {
      truth = used = random_input(rng_, shape_.tiny_exp - 4, shape_.tiny_exp + 4);
    } else if (kind == 6) {  // an earlier computed value exactly: x̂ − this cancels to x̂'s error
      truth = used = inner_.to_rational(slots_[pick_live()].bounded.value());
    } else if (kind == 7) {  // an earlier exact value slightly off: cancels most of its bits
      const Rational& base = slots_[pick_live()].exact;
      truth = used = base * (1 + Rational(testing::between(rng_, -64, 64)) * pow2(-testing::between(rng_, 8, 40)));
    } else {  // stored away from the true value (a weight kept in a narrower format)
      truth = random_input(rng_, shape_.emin, shape_.emax);
      used = truth * (1 + Rational(testing::between(rng_, -1000, 1000)) * pow2(-20));
    }
    Slot<A> s;
    s.bounded = used == truth ? ar_.from_rational(truth) : ar_.from_rational_near(used, truth);
    s.plain = inner_.from_rational(used);
    s.exact = truth;
    if (inner_.is_finite(s.plain))
      s.ref = mag(inner_.to_rational(s.plain) - truth);
    else
      s.ref_inf = true;
    finish(std::move(s), "input", nullptr, nullptr);
  }

  void add_operation() {
    const std::uint64_t r = testing::below(rng_, 100);
    const Op op = r < 22 ? Op::add : r < 44 ? Op::sub : r < 66 ? Op::mul : r < 88 ? Op::div : r < 92 ? Op::neg : r < 96 ? Op::abs : Op::max;
    const Slot<A> x = slots_[pick_live()];
    const Slot<A> y = slots_[pick_live()];
    Slot<A> z;
    switch (op) {
      case Op::add: z.bounded = x.bounded + y.bounded; z.plain = x.plain + y.plain; z.exact = x.exact + y.exact; break;
      case Op::sub: z.bounded = x.bounded - y.bounded; z.plain = x.plain - y.plain; z.exact = x.exact - y.exact; break;
      case Op::mul: z.bounded = x.bounded * y.bounded; z.plain = x.plain * y.plain; z.exact = x.exact * y.exact; break;
      case Op::div:
        z.bounded = x.bounded / y.bounded;
        z.plain = x.plain / y.plain;
        if (y.exact == 0)
          z.defined = false;
        else
          z.exact = x.exact / y.exact;
        break;
      case Op::neg: z.bounded = -x.bounded; z.plain = -x.plain; z.exact = -x.exact; break;
      case Op::abs: z.bounded = ar_.abs(x.bounded); z.plain = inner_.abs(x.plain); z.exact = mag(x.exact); break;
      case Op::max: z.bounded = ar_.max(x.bounded, y.bounded); z.plain = inner_.max(x.plain, y.plain); z.exact = std::max(x.exact, y.exact); break;
    }
    // The header's formulas, in exact arithmetic on the computed operands and the reference
    // bounds of the operands (live operands have finite ones).
    const bool finite = inner_.is_finite(z.bounded.value());
    const Rational zh = finite ? inner_.to_rational(z.bounded.value()) : Rational(0);
    const Rational xh = inner_.to_rational(x.bounded.value()), yh = inner_.to_rational(y.bounded.value());
    const Rational rounding = u_ * mag(zh) + half_eta_;
    z.tight = x.tight && (op == Op::neg || op == Op::abs || y.tight);
    switch (op) {
      case Op::add:
      case Op::sub: z.ref = x.ref + y.ref + rounding; break;
      case Op::mul: z.ref = mag(xh) * y.ref + mag(yh) * x.ref + x.ref * y.ref + rounding; break;
      case Op::div: {
        const Rational numerator = mag(xh) * y.ref + mag(yh) * x.ref;
        if (numerator == 0)
          z.ref = rounding;
        else if (mag(yh) <= y.ref)
          z.ref_inf = true;
        else
          z.ref = numerator / (mag(yh) * (mag(yh) - y.ref)) + rounding;
        if (2 * y.ref >= mag(yh)) z.tight = false;
        break;
      }
      case Op::neg:
      case Op::abs: z.ref = x.ref; break;
      case Op::max: z.ref = std::max(x.ref, y.ref); break;
    }
    if (!finite) z.ref_inf = true;
    // Division by an exact zero: the exact program has no value; the bound must say so unless
    // the dividend is an exact zero too.
    if (op == Op::div && y.exact == 0 && x.exact != 0 && std::isfinite(z.bounded.bound()))
      fail(z, op, x, y, "exact divisor 0, finite bound");
    finish(std::move(z), op_name(op), &x, &y);
  }

  void finish(Slot<A> z, const char* what, const Slot<A>* x, const Slot<A>* y) {
    ++results_;
    const double e = z.bounded.bound();
    const Value& v = z.bounded.value();
    // Bit for bit what A computes.
    const bool finite = inner_.is_finite(v);
    if (inner_.is_finite(z.plain) != finite || (finite && inner_.to_rational(v) != inner_.to_rational(z.plain)))
      fail(z, what, x, y, "value differs from the inner arithmetic's");
    if (!finite && e != kInf) fail(z, what, x, y, "non-finite value, finite bound");
    // Soundness.
    if (ar_.is_finite(z.bounded) && z.defined) {
      ++finite_;
      const Rational zh = inner_.to_rational(v);
      if (zh != 0 && mag(zh) < pow2(shape_.tiny_exp + 1)) ++underflows_;
      if (mag(zh - z.exact) > q(e)) fail(z, what, x, y, "|computed - exact| > bound");
    }
    // Against the formulas. Near binary64's subnormal range a step up adds 2^-1074 whatever the
    // value: no relative comparison there, nor for what is computed from it.
    if (!z.ref_inf && z.ref != 0 && z.ref < pow2(-1000)) z.tight = false;
    if (z.ref_inf) {
      if (e != kInf) fail(z, what, x, y, "formula infinite, bound finite");
    } else if (std::isfinite(e)) {
      const Rational b = q(e);
      if (b < z.ref) fail(z, what, x, y, "bound below the formula");
      if (z.tight) {
        if (b > z.ref * (1 + pow2(-40))) fail(z, what, x, y, "bound above the formula by more than 2^-40");
        if (z.ref > 0) worst_excess_ = std::max(worst_excess_, to_double(b / z.ref - 1));
      }
    } else if (z.tight && finite && z.ref < pow2(1000) && mag(inner_.to_rational(v)) < pow2(1000)) {
      fail(z, what, x, y, "bound infinite, formula finite");
    }
    z.live = z.defined && ar_.is_finite(z.bounded) && !z.ref_inf && size_bits(z.exact) <= 2000 &&
             (z.exact == 0 || std::abs(log2_of(z.exact)) <= 600);
    slots_.push_back(std::move(z));
  }

  void fail(const Slot<A>& z, const std::string& what, const Slot<A>* x, const Slot<A>* y, const char* why) {
    if (++failures_ > 10) return;
    auto show = [&](const Slot<A>& s) {
      std::string out = "(value ";
      out += inner_.is_finite(s.bounded.value()) ? testing::hex(to_double(inner_.to_rational(s.bounded.value()))) : std::string("non-finite");
      out += ", bound " + testing::hex(s.bounded.bound()) + ", exact " + (s.defined ? to_string(s.exact) : std::string("undefined")) + ")";
      return out;
    };
    BOOST_ERROR(ar_.name() << " seed " << testing::seed() << " program " << program_ << " step " << step_ << ": " << why << ": " << what
                           << (x ? " x = " + show(*x) : std::string()) << (y ? " y = " + show(*y) : std::string()) << " -> " << show(z)
                           << ", formula " << (z.ref_inf ? std::string("inf") : testing::hex(to_double(z.ref))));
  }
  void fail(const Slot<A>& z, Op op, const Slot<A>& x, const Slot<A>& y, const char* why) { fail(z, op_name(op), &x, &y, why); }

  const A& inner_;
  const RunningBoundArith<A> ar_;
  Shape shape_;
  Rational u_, half_eta_;
  std::mt19937_64 rng_;
  std::vector<Slot<A>> slots_;
  std::uint64_t program_ = 0;
  int step_ = 0;
  std::uint64_t results_ = 0, finite_ = 0, underflows_ = 0, failures_ = 0;
  double worst_excess_ = 0;
};

template <class A>
void check_programs(const A& inner, Shape shape, std::uint64_t salt) {
  ProgramCheck<A> check(inner, shape, salt);
  check.run(testing::iterations(2000), 20);
}

// ---- exp and log ------------------------------------------------------------------------------

// The argument of exp or log: one rounded input, or one rounded operation on two rounded inputs
// (so that it carries a nonzero bound), with its exact value.
template <class A>
struct Argument {
  typename RunningBoundArith<A>::value_type x;
  Rational exact;
};

template <class A>
Argument<A> exp_argument(const RunningBoundArith<A>& ar, std::mt19937_64& rng, const Rational& range) {
  const std::uint64_t kind = testing::below(rng, 5);
  if (kind == 0) {
    const Rational a = random_in(rng, -range, range);
    return {ar.from_rational(a), a};
  }
  const Rational half = range / 2;
  const Rational a = random_in(rng, -half, half);
  const Rational b = kind == 4 ? random_in(rng, Rational(1), Rational(4)) : random_in(rng, -half, half);
  const auto xa = ar.from_rational(a), xb = ar.from_rational(b);
  switch (kind) {
    case 1: return {xa + xb, a + b};
    case 2: return {xa - xb, a - b};
    case 3: {  // |a b| <= range: factors of magnitude <= sqrt(range)
      const Rational s = random_in(rng, Rational(-1), Rational(1)), t = random_in(rng, Rational(-1), Rational(1));
      const Rational root = Rational(static_cast<long>(std::sqrt(to_double(range))));
      return {ar.from_rational(s * root) * ar.from_rational(t * root), s * root * t * root};
    }
    default: return {xa / xb, a / b};
  }
}

template <class A>
Argument<A> log_argument(const RunningBoundArith<A>& ar, std::mt19937_64& rng, long spread) {
  const std::uint64_t kind = testing::below(rng, 5);
  auto positive = [&] { return mag(random_input(rng, -spread / 2, spread / 2)); };
  const Rational a = positive(), b = positive();
  switch (kind) {
    case 0: return {ar.from_rational(a), a};
    case 1: return {ar.from_rational(a) + ar.from_rational(b), a + b};
    case 2: return {ar.from_rational(a) * ar.from_rational(b), a * b};
    case 3: return {ar.from_rational(a) / ar.from_rational(b), a / b};
    default: {  // near 1: 1 + c − d, log close to 0 (the relative error of the result is large)
      const Rational c = random_in(rng, Rational(0), Rational(1)), d = random_in(rng, Rational(0), Rational(1)) * pow2(-testing::between(rng, 0, 20));
      return {ar.from_rational(1 + c) - ar.from_rational(d), 1 + c - d};
    }
  }
}

template <class A>
void check_exp_log(const A& inner, const Rational& exp_range, long log_spread, std::uint64_t salt) {
  const RunningBoundArith<A> ar(inner);
  const IntervalArith wide(256);
  const long double u = ar.unit().u, half_eta = ar.unit().half_eta;
  std::mt19937_64 rng(testing::seed() * 6151u + salt);
  const std::uint64_t n = testing::iterations(1500);
  std::uint64_t checked = 0, with_bound = 0, failures = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    const bool is_exp = i % 2 == 0;
    const Argument<A> arg = is_exp ? exp_argument(ar, rng, exp_range) : log_argument(ar, rng, log_spread);
    if (!ar.is_finite(arg.x)) continue;
    const auto z = is_exp ? ar.exp(arg.x) : ar.log(arg.x);
    const Interval enclosure = is_exp ? wide.exp(wide.from_rational(arg.exact)) : wide.log(wide.from_rational(arg.exact));
    if (!ar.is_finite(z)) continue;
    ++checked;
    const double ex = arg.x.bound();
    if (ex > 0) ++with_bound;
    const Rational zh = inner.to_rational(z.value()), xh = inner.to_rational(arg.x.value());
    const Rational distance = std::max(mag(zh - wide.lower(enclosure)), mag(zh - wide.upper(enclosure)));
    bool ok = distance <= q(z.bound());
    // The formula in long double: exp(x̂ + Ex) Ex or Ex / (x̂ − Ex), plus u |z| + η/2.
    const long double xl = static_cast<long double>(to_double(xh)), zl = static_cast<long double>(to_double(zh));
    const long double propagated = ex == 0 ? 0.0L : is_exp ? std::exp(xl + ex) * ex : ex / (xl - ex);
    const long double formula = propagated + u * std::fabs(zl) + half_eta;
    const long double b = z.bound();
    ok = ok && b >= formula * (1 - 0x1p-50L);
    if (is_exp || 2 * ex <= xl) ok = ok && b <= formula * (1 + 0x1p-40L);
    if (!ok && ++failures <= 10)
      BOOST_ERROR(ar.name() << " seed " << testing::seed() << " iteration " << i << ": " << (is_exp ? "exp" : "log") << " of "
                            << testing::hex(to_double(xh)) << " (bound " << testing::hex(ex) << ", exact " << to_string(arg.exact)
                            << ") = " << testing::hex(to_double(zh)) << " with bound " << testing::hex(z.bound()) << "; distance to the enclosure "
                            << testing::hex(to_double(distance)) << ", formula " << static_cast<double>(formula));
  }
  BOOST_TEST_MESSAGE(ar.name() << " exp/log: " << checked << " finite results checked, " << with_bound << " with an argument bound > 0");
  BOOST_TEST(failures == 0u);
  BOOST_TEST(checked * 10 > n * 9);
  BOOST_TEST(with_bound * 2 > checked);
}

}  // namespace

// ---- 1. soundness on random programs ----------------------------------------------------------

BOOST_AUTO_TEST_CASE(random_programs_are_sound_and_follow_the_formulas) {
  // Tiny inputs (near the bottom of the normal range: products underflow) in the formats;
  // mpfr24 has no underflow in its range. (Underflow to 0 from exact operands, rare here, has
  // its own test below.)
  {
    const SoftFloatArith ar(format("fp16"));
    check_programs(ar, {-12, 10, true, -14}, 1);
  }
  {
    const SoftFloatArith ar(format("bf16"));
    check_programs(ar, {-40, 40, true, -126}, 2);
  }
  {
    const SoftFloatArith ar(format("fp32"));
    check_programs(ar, {-40, 40, true, -126}, 3);
  }
  {
    const SoftFloatArith ar(format("fp64"));
    check_programs(ar, {-60, 60, true, -1022}, 4);
  }
  {
    const MpfrArith ar(24);
    check_programs(ar, {-60, 60, false, -1022}, 5);
  }
  {
    const MpfrArith ar(format("fp16"));
    check_programs(ar, {-12, 10, true, -14}, 6);
  }
}

// ---- 2. exp and log ---------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(exp_and_log_bounds_cover_a_certified_enclosure) {
  // fp16: exp up to e^10 (65504 is e^11.09) and down to e^-10 (subnormal in fp16).
  {
    const SoftFloatArith ar(format("fp16"));
    check_exp_log(ar, Rational(10), 12, 11);
  }
  {
    const SoftFloatArith ar(format("bf16"));
    check_exp_log(ar, Rational(40), 80, 12);
  }
  {
    const SoftFloatArith ar(format("fp32"));
    check_exp_log(ar, Rational(40), 80, 13);
  }
  {
    const SoftFloatArith ar(format("fp64"));
    check_exp_log(ar, Rational(40), 80, 14);
  }
  {
    const MpfrArith ar(24);
    check_exp_log(ar, Rational(40), 80, 15);
  }
  {
    const MpfrArith ar(format("fp16"));
    check_exp_log(ar, Rational(10), 12, 16);
  }
}

// ---- 3. values worked out from the formulas ----------------------------------------------------

BOOST_AUTO_TEST_CASE(fp32_one_plus_two_to_the_minus_30) {
  const SoftFloatArith f32(format("fp32"));
  const RunningBoundArith<SoftFloatArith> ar(f32);
  const auto one = ar.from_rational(1), tiny = ar.from_rational(pow2(-30));
  BOOST_TEST(one.bound() == 0.0);
  BOOST_TEST(tiny.bound() == 0.0);
  const auto s = one + tiny;
  BOOST_TEST(s.value().value() == 1.0);
  // Ex + Ey = 0, u |z| = 2^-24 (mul_up: the product, one step up), + η/2 = 2^-150 (absorbed by
  // the nearest sum, then one step up): two steps above 2^-24.
  BOOST_TEST(s.bound() == std::nextafter(std::nextafter(0x1p-24, kInf), kInf));
  BOOST_TEST(ar.is_finite(s));
}

BOOST_AUTO_TEST_CASE(rounding_of_inputs) {
  // fp16: 1/3 rounds to 1365/4096, 1/12288 below it.
  const SoftFloatArith f16(format("fp16"));
  const RunningBoundArith<SoftFloatArith> ar16(f16);
  const auto third = ar16.from_rational(Rational(1, 3));
  const Rational err = mag(f16.to_rational(third.value()) - Rational(1, 3));
  BOOST_TEST(err == Rational(1, 12288));
  BOOST_TEST(within(third.bound(), err, err * (1 + pow2(-50))));
  // Exact inputs have bound 0.
  BOOST_TEST(ar16.from_rational(Rational(3, 4)).bound() == 0.0);
  BOOST_TEST(ar16.from_int(-2048).bound() == 0.0);
  // 2049 is a tie between 2048 and 2050 in fp16: error 1.
  BOOST_TEST(ar16.from_int(2049).bound() == 1.0);
  // from_rational_near: the distance from the stored-and-rounded value to the truth.
  const SoftFloatArith b16(format("bf16"));
  const RunningBoundArith<SoftFloatArith> arb(b16);
  const Rational truth(1, 10), used(101, 1000);
  const auto w = arb.from_rational_near(used, truth);
  BOOST_TEST(w.value().value() == b16.from_rational(used).value());
  const Rational werr = mag(b16.to_rational(w.value()) - truth);
  BOOST_TEST(werr > mag(b16.to_rational(b16.from_rational(truth)) - truth));  // farther than truth's own rounding
  BOOST_TEST(within(w.bound(), werr, werr * (1 + pow2(-50))));
  // A representable stored value, a dyadic truth: the bound is the difference, exactly.
  BOOST_TEST(ar16.from_rational_near(Rational(1), 1 + pow2(-20)).bound() == 0x1p-20);
  BOOST_TEST(ar16.from_rational_near(Rational(0), -pow2(-30)).bound() == 0x1p-30);
  // MPFR: mpfr24 rounds 1/3 to 24 bits; the bound is that error.
  const MpfrArith m24(24);
  const RunningBoundArith<MpfrArith> arm(m24);
  const auto t24 = arm.from_rational(Rational(1, 3));
  const Rational e24 = mag(m24.to_rational(t24.value()) - Rational(1, 3));
  BOOST_TEST(e24 > 0);
  BOOST_TEST(within(t24.bound(), e24, e24 * (1 + pow2(-50))));
}

BOOST_AUTO_TEST_CASE(each_formula_on_small_dyadics) {
  // fp16 operands away from their truth by dyadic amounts, so that every formula is a short sum
  // of powers of two: x = 1 (truth 1 + 2^-20), y = 2 (truth 2 + 2^-21). u = 2^-11, η/2 = 2^-25.
  const SoftFloatArith f16(format("fp16"));
  const RunningBoundArith<SoftFloatArith> ar(f16);
  const auto x = ar.from_rational_near(Rational(1), 1 + pow2(-20));
  const auto y = ar.from_rational_near(Rational(2), 2 + pow2(-21));
  BOOST_TEST(x.bound() == 0x1p-20);
  BOOST_TEST(y.bound() == 0x1p-21);
  const Rational ex = pow2(-20), ey = pow2(-21), u = pow2(-11), h = pow2(-25);
  auto close = [](double bound, const Rational& formula) { return within(bound, formula, formula * (1 + pow2(-48))); };
  // x + y = 3, x − y = −1: Ex + Ey + u |z| + η/2.
  BOOST_TEST(close((x + y).bound(), ex + ey + 3 * u + h));
  BOOST_TEST(close((x - y).bound(), ex + ey + u + h));
  // x y = 2: |x̂| Ey + |ŷ| Ex + Ex Ey + u |z| + η/2.
  BOOST_TEST(close((x * y).bound(), 1 * ey + 2 * ex + ex * ey + 2 * u + h));
  // x / y = 1/2: (|x̂| Ey + |ŷ| Ex) / (|ŷ| (|ŷ| − Ey)) + u |z| + η/2.
  BOOST_TEST(close((x / y).bound(), (1 * ey + 2 * ex) / (2 * (2 - ey)) + u / 2 + h));
  // y / x = 2: the roles swapped (x̂ = 1 in the denominator).
  BOOST_TEST(close((y / x).bound(), (2 * ex + 1 * ey) / (1 * (1 - ex)) + 2 * u + h));
  // −x, |−x|, max(x, y): no rounding, the bounds pass through (max takes the larger).
  BOOST_TEST((-x).bound() == 0x1p-20);
  BOOST_TEST(ar.abs(-x).bound() == 0x1p-20);
  BOOST_TEST(ar.max(x, y).bound() == 0x1p-20);
  BOOST_TEST(ar.max(y, x).value().value() == 2.0);
  // An exact result still pays u |z| + η/2 (the model does not know it is exact): 1 + 1 = 2.
  const auto one = ar.from_int(1);
  BOOST_TEST(close((one + one).bound(), 2 * u + h));
  // A result of 0 pays η/2 alone: 1 − 1.
  BOOST_TEST(close((one - one).bound(), h));
  // Underflow: 2^-14 · 2^-12 = 2^-26 rounds to 0 in fp16 (a quarter of the smallest subnormal
  // 2^-24), an error of 2^-26 <= η/2 = 2^-25; the bound is η/2 exactly (u |z| = 0, exact operands).
  const auto small = ar.from_rational(pow2(-14)) * ar.from_rational(pow2(-12));
  BOOST_TEST(small.value().value() == 0.0);
  BOOST_TEST(small.bound() == 0x1p-25);

  // fp32: cancellation. (1 + 2^-23) − 1 = 2^-23, exact: the rounding term is u |z| = 2^-47, not
  // u times the operands.
  const SoftFloatArith f32(format("fp32"));
  const RunningBoundArith<SoftFloatArith> a32(f32);
  const auto d = a32.from_rational(1 + pow2(-23)) - a32.from_int(1);
  BOOST_TEST(d.value().value() == 0x1p-23);
  BOOST_TEST(close(d.bound(), pow2(-47) + pow2(-150)));
  // exp(0) where the truth is 2^-30: e^(x̂ + Ex) Ex + u |z| + η/2 with z = 1; e^(2^-30) is in
  // [1 + 2^-30, 1 + 2^-30 + 2^-60].
  const auto e = a32.exp(a32.from_rational_near(Rational(0), pow2(-30)));
  BOOST_TEST(e.value().value() == 1.0);
  BOOST_TEST(within(e.bound(), (1 + pow2(-30)) * pow2(-30) + pow2(-24) + pow2(-150),
                    ((1 + pow2(-30) + pow2(-60)) * pow2(-30) + pow2(-24) + pow2(-150)) * (1 + pow2(-48))));
  // log(1) where the truth is 1 + 2^-30: Ex / (x̂ − Ex) + u |z| + η/2 with z = 0.
  const auto l = a32.log(a32.from_rational_near(Rational(1), 1 + pow2(-30)));
  BOOST_TEST(l.value().value() == 0.0);
  BOOST_TEST(close(l.bound(), pow2(-30) / (1 - pow2(-30)) + pow2(-150)));
  // exp and log of exact arguments: their own rounding only.
  const auto e1 = a32.exp(a32.from_int(1));
  BOOST_TEST(close(e1.bound(), pow2(-24) * q(e1.value().value()) + pow2(-150)));
  const auto l2 = a32.log(a32.from_int(2));
  BOOST_TEST(close(l2.bound(), pow2(-24) * q(l2.value().value()) + pow2(-150)));

  // fp16's MPFR path: the same formulas with the same u and η: 1 + 2^-20 = 1.
  const MpfrArith m16(format("fp16"));
  const RunningBoundArith<MpfrArith> am(m16);
  const auto s = am.from_int(1) + am.from_rational(pow2(-20));
  BOOST_TEST(m16.to_rational(s.value()) == 1);
  BOOST_TEST(close(s.bound(), u + h));
}

BOOST_AUTO_TEST_CASE(underflow_to_zero_in_fp64_is_covered) {
  // 2^-1074 · 1/2 = 2^-1075, a tie between 0 and 2^-1074 that rounds to 0: an error of 2^-1075
  // = η/2 from exact operands. The bound must be at least that. η/2 = 2^-1075 is not a binary64
  // number: it must be rounded up (to 2^-1074), not to nearest (0).
  {
    const SoftFloatArith f64(format("fp64"));
    const RunningBoundArith<SoftFloatArith> ar(f64);
    const auto z = ar.from_rational(pow2(-1074)) * ar.from_rational(Rational(1, 2));
    BOOST_TEST(z.value().value() == 0.0);
    BOOST_TEST(q(z.bound()) >= pow2(-1075), "fp64: 2^-1074 * 1/2 = 0 with bound " << testing::hex(z.bound()) << ", exact 2^-1075");
  }
  {
    const MpfrArith m64(format("fp64"));
    const RunningBoundArith<MpfrArith> ar(m64);
    const auto z = ar.from_rational(pow2(-1074)) * ar.from_rational(Rational(1, 2));
    BOOST_TEST(m64.to_rational(z.value()) == 0);
    BOOST_TEST(q(z.bound()) >= pow2(-1075), "fp64:mpfr: 2^-1074 * 1/2 = 0 with bound " << testing::hex(z.bound()) << ", exact 2^-1075");
  }
}

// ---- 4. non-finite results ---------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(non_finite_results_have_infinite_bounds) {
  const SoftFloatArith f16(format("fp16"));
  const RunningBoundArith<SoftFloatArith> ar(f16);
  // Overflow: 60000 · 2 > 65504.
  const auto big = ar.from_int(60000) * ar.from_int(2);
  BOOST_TEST(std::isinf(big.value().value()));
  BOOST_TEST(big.bound() == kInf);
  BOOST_TEST(!ar.is_finite(big));
  // An input beyond the range.
  const auto huge = ar.from_int(1000000);
  BOOST_TEST(huge.bound() == kInf);
  BOOST_TEST(!ar.is_finite(huge));
  // NaN: inf − inf.
  const auto nan = big - big;
  BOOST_TEST(std::isnan(nan.value().value()));
  BOOST_TEST(nan.bound() == kInf);
  // Division by a value within its bound of zero: ŷ = 2^-10 stored for a true 0 (Ey = |ŷ|), and
  // for a true −2^-12 (Ey > |ŷ|). The value is finite, the bound is not.
  const auto one = ar.from_int(1);
  for (const Rational& truth : {Rational(0), Rational(-pow2(-12))}) {
    const auto y = ar.from_rational_near(pow2(-10), truth);
    BOOST_TEST(q(y.bound()) >= pow2(-10));
    const auto r = one / y;
    BOOST_TEST(r.value().value() == 1024.0);
    BOOST_TEST(r.bound() == kInf);
    BOOST_TEST(!ar.is_finite(r));
    // and everything computed from it.
    BOOST_TEST((r + one).bound() == kInf);
    BOOST_TEST((r * one).bound() == kInf);
    BOOST_TEST(ar.exp(ar.from_rational(Rational(1, 1024)) * r).bound() == kInf);
  }
  // Just outside: Ey < |ŷ| gives a finite bound.
  BOOST_TEST(std::isfinite((one / ar.from_rational_near(pow2(-10), pow2(-11))).bound()));
  // Division by an exact 0.
  const auto by_zero = one / ar.from_int(0);
  BOOST_TEST(by_zero.bound() == kInf);
  BOOST_TEST(!ar.is_finite(by_zero));
  // log of x̂ <= Ex: x̂ = 2^-10 stored for a true 0 (Ex = x̂) or a true −2^-12 (Ex > x̂).
  for (const Rational& truth : {Rational(0), Rational(-pow2(-12))}) {
    const auto l = ar.log(ar.from_rational_near(pow2(-10), truth));
    BOOST_TEST(std::isfinite(l.value().value()));
    BOOST_TEST(l.bound() == kInf);
    BOOST_TEST(!ar.is_finite(l));
  }
  // log of an exact 0 (−inf) and of a negative number (NaN).
  BOOST_TEST(ar.log(ar.from_int(0)).bound() == kInf);
  BOOST_TEST(ar.log(ar.from_int(-1)).bound() == kInf);
  // exp overflow: e^12 > 65504.
  BOOST_TEST(ar.exp(ar.from_int(12)).bound() == kInf);
  // The same on the MPFR path and in mpfr24.
  const MpfrArith m16(format("fp16"));
  const RunningBoundArith<MpfrArith> am(m16);
  BOOST_TEST((am.from_int(60000) * am.from_int(2)).bound() == kInf);
  BOOST_TEST((am.from_int(1) / am.from_rational_near(pow2(-10), Rational(0))).bound() == kInf);
  const MpfrArith m24(24);
  const RunningBoundArith<MpfrArith> a24(m24);
  BOOST_TEST((a24.from_int(1) / a24.from_rational_near(pow2(-10), Rational(0))).bound() == kInf);
  BOOST_TEST(a24.log(a24.from_rational_near(pow2(-10), pow2(-12) - pow2(-10))).bound() == kInf);
  BOOST_TEST((a24.from_int(0) / a24.from_int(0)).bound() == kInf);
}

// ---- 5. not absurdly loose ---------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(bounds_grow_like_n_u) {
  std::mt19937_64 rng(testing::seed() * 3571u);
  // A sequential sum of 1000 positive fp32 values rounded from exact inputs: the bound is about
  // u (Σ|x_i| + Σ partial sums) <= (n + 1) u Σ|x_i|.
  const SoftFloatArith f32(format("fp32"));
  const RunningBoundArith<SoftFloatArith> a32(f32);
  for (int trial = 0; trial < 5; ++trial) {
    Rational exact = 0;
    auto s = a32.from_int(0);
    for (int i = 0; i < 1000; ++i) {
      const Rational x = mag(random_input(rng, -4, 4));
      exact += x;
      s += a32.from_rational(x);
    }
    const Rational limit = 1000 * pow2(-24) * exact * Rational(101, 100);
    BOOST_TEST_MESSAGE("fp32 sum of 1000: bound / (u Σ|x|) = " << s.bound() / (0x1p-24 * to_double(exact)));
    BOOST_TEST(q(s.bound()) <= limit);
    BOOST_TEST(mag(f32.to_rational(s.value()) - exact) <= q(s.bound()));
  }
  // An fp16 dot product of length 100, terms of both signs: the bound is within 100 u Σ|a_i b_i|
  // (each product pays its inputs' rounding and its own, about 3 u |a_i b_i|; the sums u |s_k|).
  const SoftFloatArith f16(format("fp16"));
  const RunningBoundArith<SoftFloatArith> a16(f16);
  for (int trial = 0; trial < 20; ++trial) {
    Rational exact = 0, magnitude = 0;
    auto acc = a16.from_int(0);
    for (int i = 0; i < 100; ++i) {
      const Rational a = random_in(rng, Rational(-1), Rational(1)), b = random_in(rng, Rational(-1), Rational(1));
      exact += a * b;
      magnitude += mag(a * b);
      acc += a16.from_rational(a) * a16.from_rational(b);
    }
    const Rational limit = 100 * pow2(-11) * magnitude * Rational(101, 100);
    if (trial == 0) BOOST_TEST_MESSAGE("fp16 dot of 100: bound / (u Σ|a b|) = " << acc.bound() / (0x1p-11 * to_double(magnitude)));
    BOOST_TEST(q(acc.bound()) <= limit);
    BOOST_TEST(mag(f16.to_rational(acc.value()) - exact) <= q(acc.bound()));
  }
}

// ---- 6. the rounding model ---------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(rounding_units) {
  auto check_format = [](const char* name, double u, double half_eta) {
    const SoftFloatArith ar(format(name));
    const RoundingUnit r = rounding_unit(ar);
    BOOST_TEST(r.u == u, name);
    BOOST_TEST(r.half_eta == half_eta, name);
    // The context carries the same unit.
    const RunningBoundArith<SoftFloatArith> rb(ar);
    BOOST_TEST(rb.unit().u == r.u);
    BOOST_TEST(rb.unit().half_eta == r.half_eta);
    BOOST_TEST(rb.name() == ar.name());
    // The MPFR path of the format has the format's unit.
    const MpfrArith m(format(name));
    BOOST_TEST(rounding_unit(m).u == u, name << ":mpfr");
    BOOST_TEST(rounding_unit(m).half_eta == half_eta, name << ":mpfr");
  };
  check_format("fp16", 0x1p-11, 0x1p-25);
  check_format("bf16", 0x1p-8, 0x1p-134);
  check_format("fp32", 0x1p-24, 0x1p-150);
  check_format("e4m3", 0x1p-4, 0x1p-10);
  check_format("e5m2", 0x1p-3, 0x1p-17);
  // fp64: u = 2^-53; η/2 = 2^-1075 is below every positive binary64 number: it must round up to
  // the smallest one (2^-1074), never to 0 (see underflow_to_zero_in_fp64_is_covered).
  {
    const SoftFloatArith ar(format("fp64"));
    BOOST_TEST(rounding_unit(ar).u == 0x1p-53);
    BOOST_TEST(q(rounding_unit(ar).half_eta) >= pow2(-1075), "fp64: half_eta = " << testing::hex(rounding_unit(ar).half_eta) << ", below 2^-1075");
    BOOST_TEST(rounding_unit(ar).half_eta <= 0x1p-1074);
  }
  // mpfrP: u = 2^-P; MPFR's range underflows only below 2^-1073741823, so η/2 is the smallest
  // positive double, which exceeds that error.
  for (const long p : {24L, 53L, 113L}) {
    const MpfrArith ar(p);
    BOOST_TEST(rounding_unit(ar).u == std::ldexp(1.0, static_cast<int>(-p)),
               "mpfr" << p << ": u = " << testing::hex(rounding_unit(ar).u) << ", not 2^-" << p);
    BOOST_TEST(rounding_unit(ar).half_eta == std::numeric_limits<double>::denorm_min(), "mpfr" << p);
  }
  // P beyond binary64's range: 2^-P rounded up to the smallest positive double, still >= 2^-P.
  {
    const MpfrArith ar(1200);
    BOOST_TEST(rounding_unit(ar).u == std::numeric_limits<double>::denorm_min());
  }
}
