#define BOOST_TEST_MODULE mpfr_arith
#include "support/test_support.hpp"

#include <cmath>
#include <limits>
#include <memory>
#include <random>
#include <vector>

#include "arith/mpfr_arith.hpp"
#include "arith/precision.hpp"
#include "arith/soft_float.hpp"
#include "float_oracle.hpp"

// The MPFR path of the emulated formats (MpfrArith constructed with an FpFormat: precision p,
// the format's exponent range, mpfr_subnormalize) against the binary64 fast path
// (SoftFloatArith): same bits and same flags, operation by operation, flags cleared before
// each. The two share only mpfr_round_to_format for exp/log; + - * / sqrt are computed
// independently (MPFR's correctly rounded operations vs binary64 plus bit-pattern rounding).
// The 8-bit formats are checked on every pair of values; the others on random pairs with the
// bias mix of float_oracle.hpp. Then the flags of mpfrP (wide exponent range).

using namespace freelunch;
using namespace freelunch::arith;
using freelunch::testing::Op;
using freelunch::testing::OperandSampler;

namespace {

FpFormat format(const char* name) { return std::get<FloatSpec>(parse_precision(name).spec).format; }

constexpr Op kOps[] = {Op::add, Op::sub, Op::mul, Op::div, Op::sqrt};

MpfrValue mpfr_value(const MpfrArith& ar, double x) {
  MpfrValue v = ar.make();
  mpfr_set_d(v.get(), x, MPFR_RNDN);  // exact: a format value has at most p bits
  return v;
}

double as_double(const MpfrValue& v) { return mpfr_get_d(v.get(), MPFR_RNDN); }


// Both paths on one pair: reports a mismatch (the first ten of a run in full) and counts it.
class PathComparison {
 public:
  explicit PathComparison(const FpFormat& fmt) : fmt_(fmt), fast_(fmt), slow_(fmt) {}

  void check(Op op, double a, double b, std::uint64_t iteration) {
    fast_.clear_flags();
    const SoftFloat rf = apply(op, fast_, SoftFloat(a, &fast_), SoftFloat(b, &fast_));
    slow_.clear_flags();
    const MpfrValue rs = apply(op, slow_, mpfr_value(slow_, a), mpfr_value(slow_, b));
    record(testing::op_name(op), a, b, rf.value(), as_double(rs), iteration);
  }

  void check(testing::Fn fn, double x, std::uint64_t iteration) {
    const bool is_exp = fn == testing::Fn::exp;
    fast_.clear_flags();
    const SoftFloat rf = is_exp ? fast_.exp(SoftFloat(x, &fast_)) : fast_.log(SoftFloat(x, &fast_));
    slow_.clear_flags();
    const MpfrValue rs = is_exp ? slow_.exp(mpfr_value(slow_, x)) : slow_.log(mpfr_value(slow_, x));
    record(testing::fn_name(fn), x, 0, rf.value(), as_double(rs), iteration);
  }

  // Prints the counts of the run since the last report and resets them.
  void report(const char* what, bool every_pair) {
    BOOST_TEST_MESSAGE(fmt_.name << " " << what << (every_pair ? " (every pair)" : "") << ": " << cases_ << " cases, " << subnormal_
                                 << " subnormal results, " << overflow_ << " overflows, " << mismatches_ << " mismatches");
    BOOST_TEST(mismatches_ == 0u);
    cases_ = subnormal_ = overflow_ = mismatches_ = 0;
  }

 private:
  void record(const char* what, double a, double b, double fast, double slow, std::uint64_t iteration) {
    ++cases_;
    if (testing::is_subnormal_in(fast, fmt_)) ++subnormal_;
    if (fast_.flags().test(Flag::overflow)) ++overflow_;
    if (testing::same_bits(fast, slow) && fast_.flags() == slow_.flags()) return;
    if (++mismatches_ <= 10)
      BOOST_ERROR(fmt_.name << " " << what << " seed " << testing::seed() << " iteration " << iteration << ": a = " << testing::hex(a)
                            << ", b = " << testing::hex(b) << ", rounding nearest-even: fast path " << testing::hex(fast) << " flags "
                            << fast_.flags().to_string() << ", MPFR path " << testing::hex(slow) << " flags " << slow_.flags().to_string());
  }

  FpFormat fmt_;
  SoftFloatArith fast_;
  MpfrArith slow_;
  std::uint64_t cases_ = 0, subnormal_ = 0, overflow_ = 0, mismatches_ = 0;
};

}  // namespace

BOOST_AUTO_TEST_CASE(eight_bit_formats_agree_on_every_pair) {
  // Every pair by default; a multiplier below 1 (the sanitizer run) visits that fraction of the
  // pairs, spread over the table by an odd stride modulo 2^16.
  const std::uint64_t pairs = std::min<std::uint64_t>(65536, testing::iterations(65536));
  for (const char* name : {"e5m2", "e4m3"}) {
    const FpFormat f = format(name);
    PathComparison cmp(f);
    for (Op op : kOps) {
      const std::uint64_t count = op == Op::sqrt ? 256 : pairs;
      for (std::uint64_t i = 0; i < count; ++i) {
        const std::uint64_t pair = op == Op::sqrt ? i : (i * 40503u) % 65536;
        cmp.check(op, testing::decode(pair % 256, f), testing::decode(pair / 256, f), pair);
      }
      cmp.report(testing::op_name(op), count == 65536);
    }
    for (testing::Fn fn : {testing::Fn::exp, testing::Fn::log}) {
      for (std::uint64_t pa = 0; pa < 256; ++pa) cmp.check(fn, testing::decode(pa, f), pa);
      cmp.report(testing::fn_name(fn), true);
    }
  }
}

BOOST_AUTO_TEST_CASE(wider_formats_agree_on_random_pairs) {
  // fp64 included: its fast path is native double with flags from error-free transformations
  // (and the significand redo near the subnormal range), its MPFR path p = 53 with
  // mpfr_subnormalize.
  const std::uint64_t n = testing::iterations(200'000);
  for (const char* name : {"fp16", "bf16", "fp32", "f6.9", "fp64"}) {
    const FpFormat f = format(name);
    PathComparison cmp(f);
    OperandSampler sampler(f, testing::seed() * 104729u + static_cast<std::uint64_t>(f.exp_bits * 64 + f.man_bits));
    for (Op op : kOps) {
      for (std::uint64_t i = 0; i < n; ++i) {
        const std::uint64_t pa = sampler.pattern();
        const std::uint64_t pb = sampler.partner(pa);
        cmp.check(op, sampler.value(pa), sampler.value(pb), i);
      }
      cmp.report(testing::op_name(op), false);
    }
    for (testing::Fn fn : {testing::Fn::exp, testing::Fn::log}) {
      for (std::uint64_t i = 0; i < n / 50; ++i) cmp.check(fn, sampler.value(sampler.pattern()), i);
      cmp.report(testing::fn_name(fn), false);
    }
  }
}

BOOST_AUTO_TEST_CASE(mpfr_p_flags_follow_flags_hpp) {
  const MpfrArith ar(53);
  const auto flags_of = [&](auto&& f) {
    ar.clear_flags();
    f();
    return ar.flags().to_string();
  };
  const MpfrValue zero = ar.from_int(0);
  const MpfrValue one = ar.from_int(1);
  const MpfrValue three = ar.from_int(3);
  const MpfrValue huge = ar.from_rational(Rational(1) * pow2(40));
  // 1/3 is inexact; 1 + 1 is not.
  BOOST_TEST(flags_of([&] { return one / three; }) == "inexact");
  BOOST_TEST(flags_of([&] { return one + one; }) == "none");
  // Beyond MPFR's exponent range (about 2^(2^30)): exp(2^40) overflows to +inf, exp(-2^40)
  // underflows to +0. Caught a missing overflow flag: only "inexact" was raised.
  MpfrValue r;
  BOOST_TEST(flags_of([&] { r = ar.exp(huge); }) == "inexact,overflow");
  BOOST_TEST(mpfr_inf_p(r.get()));
  BOOST_TEST(flags_of([&] { r = ar.exp(-huge); }) == "inexact,underflow");
  BOOST_TEST((mpfr_zero_p(r.get()) && !mpfr_signbit(r.get())));
  // log(0) = -inf is a division by zero (IEEE 754 9.2); log(-1) is invalid.
  BOOST_TEST(flags_of([&] { r = ar.log(zero); }) == "divbyzero");
  BOOST_TEST((mpfr_inf_p(r.get()) && mpfr_signbit(r.get())));
  BOOST_TEST(flags_of([&] { r = ar.log(-one); }) == "invalid");
  BOOST_TEST(flags_of([&] { r = one / zero; }) == "divbyzero");
  BOOST_TEST(flags_of([&] { r = zero / zero; }) == "invalid");
  BOOST_TEST(flags_of([&] { r = ar.sqrt(-one); }) == "invalid");
}

BOOST_AUTO_TEST_CASE(format_path_flags_beyond_mpfrs_own_range) {
  // MPFR's exponent range (about 2^(+-2^30)) is itself finite: a result beyond it comes back as
  // inf or 0 with a nonzero ternary. Caught: the format path returned +inf with no flag at all
  // for exp(2^100) in fp32, and 0 with only "inexact" for exp(-2^100).
  const MpfrArith fp32(format("fp32"));
  const auto run = [&](auto&& f) {
    fp32.clear_flags();
    const MpfrValue r = f();
    return std::make_pair(as_double(r), fp32.flags().to_string());
  };
  const MpfrValue big = fp32.from_rational(pow2(100));
  BOOST_TEST((run([&] { return fp32.exp(big); }) == std::make_pair(std::numeric_limits<double>::infinity(), std::string("inexact,overflow"))));
  BOOST_TEST((run([&] { return fp32.exp(-big); }) == std::make_pair(0.0, std::string("inexact,underflow"))));
  // A format with 30 exponent bits: the product of two values near its maximum 2^(2^29)
  // exceeds MPFR's range too; the quotient of its smallest subnormal by its largest value falls
  // under it.
  const FpFormat wide = format("f30.3");
  const MpfrArith ar(wide);
  MpfrValue top = ar.make();
  mpfr_set_ui_2exp(top.get(), 15, wide.emax() - 3, MPFR_RNDN);  // max = 1.111b 2^emax (a 2^29-bit Rational)
  MpfrValue bottom = ar.make();
  mpfr_set_ui_2exp(bottom.get(), 1, wide.emin_subnormal(), MPFR_RNDN);
  ar.clear_flags();
  BOOST_TEST(mpfr_inf_p((top * top).get()));
  BOOST_TEST(ar.flags().to_string() == "inexact,overflow");
  ar.clear_flags();
  const MpfrValue tiny = bottom / top;
  BOOST_TEST((mpfr_zero_p(tiny.get()) && !mpfr_signbit(tiny.get())));
  BOOST_TEST(ar.flags().to_string() == "inexact,underflow");
}

BOOST_AUTO_TEST_CASE(mpfr_p_is_correctly_rounded_and_exact_to_rational) {
  // Random rationals through from_rational and the four operations at P bits, against the
  // exact result rounded once to P bits with an unbounded exponent.
  for (const long p : {11L, 24L, 53L, 113L}) {
    const MpfrArith ar(p);
    const auto rounded = [p](const Rational& q) { return testing::round_to_precision(q, p); };
    std::mt19937_64 rng(testing::seed() * 31u + static_cast<std::uint64_t>(p));
    const auto random_rational = [&] {
      const Integer num(static_cast<long long>(testing::between(rng, -1'000'000'000L, 1'000'000'000L)));
      const Integer den(static_cast<long long>(testing::between(rng, 1, 1'000'000'000L)));
      return Rational(num, den) * pow2(testing::between(rng, -200, 200));
    };
    const std::uint64_t n = testing::iterations(5000);
    std::uint64_t mismatches = 0;
    for (std::uint64_t i = 0; i < n; ++i) {
      const Rational qa = random_rational();
      const Rational qb = random_rational();
      ar.clear_flags();
      const MpfrValue a = ar.from_rational(qa);
      const MpfrValue b = ar.from_rational(qb);
      const Rational ea = ar.to_rational(a);
      const Rational eb = ar.to_rational(b);
      const bool ok = ea == rounded(qa) && eb == rounded(qb) && ar.to_rational(a + b) == rounded(ea + eb) &&
                      ar.to_rational(a - b) == rounded(ea - eb) && ar.to_rational(a * b) == rounded(ea * eb) &&
                      (eb == 0 || ar.to_rational(a / b) == rounded(ea / eb));
      if (!ok && ++mismatches <= 10) BOOST_ERROR("mpfr" << p << " seed " << testing::seed() << " iteration " << i << ": a = " << qa << ", b = " << qb);
    }
    BOOST_TEST_MESSAGE("mpfr" << p << ": " << n << " random pairs, " << mismatches << " mismatches");
    BOOST_TEST(mismatches == 0u);
  }
}

BOOST_AUTO_TEST_CASE(values_copy_move_and_alias) {
  // x += x reads x before writing it; copies are deep (same object twice means same value).
  const MpfrArith ar(24);
  MpfrValue x = ar.from_int(3);
  x += x;
  BOOST_TEST(ar.to_rational(x) == Rational(6));
  MpfrValue y = x;
  y *= y;
  BOOST_TEST(ar.to_rational(x) == Rational(6));
  BOOST_TEST(ar.to_rational(y) == Rational(36));
  MpfrValue z = std::move(y);
  BOOST_TEST(ar.to_rational(z) == Rational(36));
  z = z;
  BOOST_TEST(ar.to_rational(z) == Rational(36));
}

namespace {

// A value of precision p holding a random number with p significant bits (1, p - 1 random bits,
// plus one), scaled by 2^[-50, 50], random sign.
MpfrValue random_value(const MpfrArith& ar, std::mt19937_64& rng) {
  MpfrValue v = ar.make();
  mpfr_set_ui(v.get(), 1, MPFR_RNDN);
  for (long bit = 1; bit < ar.precision(); ++bit) {
    mpfr_mul_2ui(v.get(), v.get(), 1, MPFR_RNDN);
    if (testing::below(rng, 2) == 1) mpfr_add_ui(v.get(), v.get(), 1, MPFR_RNDN);
  }
  if (ar.precision() > 1) mpfr_add_ui(v.get(), v.get(), 1, MPFR_RNDN);  // exact: the last bit was 0 or 1
  mpfr_div_2si(v.get(), v.get(), testing::between(rng, -50, 50), MPFR_RNDN);
  if (testing::below(rng, 2) == 1) mpfr_neg(v.get(), v.get(), MPFR_RNDN);
  return v;
}

bool same_value(const MpfrValue& a, const MpfrValue& b) {
  return mpfr_get_prec(a.get()) == mpfr_get_prec(b.get()) && mpfr_equal_p(a.get(), b.get()) && mpfr_signbit(a.get()) == mpfr_signbit(b.get());
}

}  // namespace

BOOST_AUTO_TEST_CASE(inline_and_heap_values_copy_move_and_assign) {
  // Precisions up to 2 limbs keep the significand inside the value (MPFR's custom interface),
  // larger ones on the heap. Every copy, move and assignment between every pair of precisions,
  // both storages and across the boundary, gives the source's precision, value and context;
  // under the sanitizers an inline significand reaching mpfr_clear, mpfr_set_prec or mpfr_swap
  // is a bad free or a leak.
  const long inline_max = MpfrValue::kInlineLimbs * GMP_NUMB_BITS;
  const std::vector<long> precisions = {MPFR_PREC_MIN, 2, 24, 53, 113, inline_max, inline_max + 1, 200, 1000};
  std::vector<std::unique_ptr<MpfrArith>> contexts;
  for (long p : precisions) contexts.push_back(std::make_unique<MpfrArith>(p));
  std::mt19937_64 rng(testing::seed() * 1009u);
  for (const auto& from : contexts) {
    const MpfrValue source = random_value(*from, rng);
    BOOST_TEST(source.is_inline() == (from->precision() <= inline_max), "precision " << from->precision());
    const MpfrValue copy(source);
    BOOST_TEST(same_value(copy, source));
    BOOST_TEST(copy.is_inline() == source.is_inline());
    MpfrValue moved_from(source);
    const MpfrValue moved(std::move(moved_from));
    BOOST_TEST(same_value(moved, source));
    BOOST_TEST(moved.context() == from.get());
    moved_from = source;  // a moved-from value can be assigned again
    BOOST_TEST(same_value(moved_from, source));
    for (const auto& to : contexts) {
      MpfrValue target = random_value(*to, rng);
      target = source;
      BOOST_TEST(same_value(target, source), "copy-assign " << from->precision() << " to " << to->precision());
      BOOST_TEST(target.context() == from.get());
      BOOST_TEST(target.is_inline() == source.is_inline());
      MpfrValue other = random_value(*to, rng);
      MpfrValue temporary(source);
      other = std::move(temporary);
      BOOST_TEST(same_value(other, source), "move-assign " << from->precision() << " to " << to->precision());
      BOOST_TEST(other.context() == from.get());
      temporary = random_value(*to, rng);  // the moved-from value is usable
      BOOST_TEST(mpfr_get_prec(temporary.get()) == to->precision());
    }
    // Self-assignment keeps the value (through a reference, so that it is not a compile-time
    // self-move).
    MpfrValue self(source);
    MpfrValue& alias = self;
    self = alias;
    BOOST_TEST(same_value(self, source));
    self = std::move(alias);
    BOOST_TEST(same_value(self, source));
  }
}

BOOST_AUTO_TEST_CASE(values_survive_vector_growth_and_default_construction) {
  // A vector relocates its elements by moving them: an inline significand must follow its value
  // (the pointer inside the mpfr_t is the value's own storage, never the old element's).
  for (const long p : {53L, 1000L}) {
    const MpfrArith ar(p);
    std::mt19937_64 rng(testing::seed() * 1013u + static_cast<std::uint64_t>(p));
    std::vector<MpfrValue> values;
    std::vector<Rational> expected;
    for (int i = 0; i < 100; ++i) {
      values.push_back(random_value(ar, rng));
      expected.push_back(ar.to_rational(values.back()));
    }
    values.erase(values.begin() + 10);
    expected.erase(expected.begin() + 10);
    for (std::size_t i = 0; i < values.size(); ++i) BOOST_TEST(ar.to_rational(values[i]) == expected[i], "precision " << p << " index " << i);
    for (const MpfrValue& v : values) BOOST_TEST(v.is_inline() == (p <= MpfrValue::kInlineLimbs * GMP_NUMB_BITS));
  }
  // A default value is +0 at the smallest precision, without context, and takes what it is
  // assigned.
  MpfrValue d;
  BOOST_TEST((mpfr_zero_p(d.get()) && !mpfr_signbit(d.get()) && d.context() == nullptr));
  const MpfrArith wide(500);
  d = wide.from_int(7);
  BOOST_TEST((mpfr_get_prec(d.get()) == 500 && wide.to_rational(d) == Rational(7) && d.context() == &wide));
}

BOOST_AUTO_TEST_CASE(in_place_operations_equal_the_operators) {
  // acc += b, acc -= b, acc *= b, ar.add_product(acc, x, y) and ar.set_product(acc, x, y) (used
  // by models::dot) against acc = acc op b, acc = acc + x * y and acc = x * y: the same value, sign, precision and flags (cleared
  // before each), on random values and on the specials (inf - inf and 0 * inf are invalid, a NaN
  // operand raises nothing), with aliasing (acc += acc, add_product(acc, acc, acc)). mpfr1000
  // runs on heap values, the formats through mpfr_round_to_format.
  std::vector<std::unique_ptr<MpfrArith>> contexts;
  contexts.push_back(std::make_unique<MpfrArith>(113));
  contexts.push_back(std::make_unique<MpfrArith>(1000));
  contexts.push_back(std::make_unique<MpfrArith>(format("fp16")));
  contexts.push_back(std::make_unique<MpfrArith>(format("e4m3")));
  std::mt19937_64 rng(testing::seed() * 1019u);
  const std::uint64_t n = testing::iterations(3000);
  for (const auto& ctx : contexts) {
    const MpfrArith& ar = *ctx;
    std::vector<MpfrValue> pool;
    for (int k = 0; k < 5; ++k) pool.push_back(ar.make());
    mpfr_set_zero(pool[0].get(), 1);
    mpfr_set_zero(pool[1].get(), -1);
    mpfr_set_inf(pool[2].get(), 1);
    mpfr_set_inf(pool[3].get(), -1);
    mpfr_set_nan(pool[4].get());
    const auto random_operand = [&] {
      if (testing::below(rng, 8) == 0) return pool[testing::below(rng, pool.size())];
      const Integer m(static_cast<long long>(testing::between(rng, -(1L << 40), 1L << 40)));
      return ar.from_rational(Rational(m) * pow2(testing::between(rng, -45, 5)));
    };
    std::uint64_t mismatches = 0;
    const auto check = [&](const char* what, std::uint64_t i, const MpfrValue& got, Flags got_flags, const MpfrValue& want, Flags want_flags) {
      const bool same = (mpfr_nan_p(got.get()) && mpfr_nan_p(want.get()) && mpfr_get_prec(got.get()) == mpfr_get_prec(want.get())) ||
                        same_value(got, want);
      if ((same && got_flags == want_flags) || ++mismatches > 10) return;
      BOOST_ERROR(ar.name() << " " << what << " seed " << testing::seed() << " iteration " << i << ": in place " << as_double(got) << " flags "
                            << got_flags.to_string() << ", operators " << as_double(want) << " flags " << want_flags.to_string());
    };
    const auto flags_of = [&](auto&& f) {
      ar.clear_flags();
      f();
      return ar.flags();
    };
    for (std::uint64_t i = 0; i < n; ++i) {
      const MpfrValue a = random_operand();
      const MpfrValue b = random_operand();
      const MpfrValue c = random_operand();
      MpfrValue x(a), want;
      Flags fx = flags_of([&] { x += b; });
      Flags fw = flags_of([&] { want = a + b; });
      check("+=", i, x, fx, want, fw);
      x = a;
      fx = flags_of([&] { x -= b; });
      fw = flags_of([&] { want = a - b; });
      check("-=", i, x, fx, want, fw);
      x = a;
      fx = flags_of([&] { x *= b; });
      fw = flags_of([&] { want = a * b; });
      check("*=", i, x, fx, want, fw);
      x = a;
      fx = flags_of([&] { ar.add_product(x, b, c); });
      fw = flags_of([&] { want = a + b * c; });
      check("add_product", i, x, fx, want, fw);
      x = a;
      fx = flags_of([&] { x += x; });
      fw = flags_of([&] { want = a + a; });
      check("x += x", i, x, fx, want, fw);
      x = a;
      fx = flags_of([&] { ar.add_product(x, x, x); });
      fw = flags_of([&] { want = a + a * a; });
      check("add_product(x, x, x)", i, x, fx, want, fw);
      x = a;
      fx = flags_of([&] { ar.set_product(x, b, c); });
      fw = flags_of([&] { want = b * c; });
      check("set_product", i, x, fx, want, fw);
      x = a;
      fx = flags_of([&] { ar.set_product(x, x, b); });
      fw = flags_of([&] { want = a * b; });
      check("set_product(x, x, b)", i, x, fx, want, fw);
    }
    BOOST_TEST_MESSAGE(ar.name() << ": " << n << " random cases of in-place operations, " << mismatches << " mismatches");
    BOOST_TEST(mismatches == 0u);
  }
  // A value whose precision differs from its context's (built directly) is rounded to the
  // context's precision, as the operator does.
  const MpfrArith ar(113);
  MpfrValue narrow(24, &ar);
  mpfr_set_ui(narrow.get(), 3, MPFR_RNDN);
  const MpfrValue third = ar.from_int(1) / ar.from_int(3);
  const MpfrValue want = narrow + third;
  narrow += third;
  BOOST_TEST(same_value(narrow, want));
  BOOST_TEST(mpfr_get_prec(narrow.get()) == 113);
}
