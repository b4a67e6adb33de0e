#define BOOST_TEST_MODULE soft_float
#include "support/test_support.hpp"

#include <cfenv>
#include <cmath>
#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

#include "arith/precision.hpp"
#include "arith/soft_float.hpp"
#include "float_oracle.hpp"

// The binary64 fast path (soft_float.hpp) bit for bit against independent references:
//   fp64   native double                                     values and hardware flags
//   fp32   native float                                      values and hardware flags
//   fp16   native _Float16 (GCC computes each operation in float and rounds once more to half:
//          24 >= 2*11 + 2, so that second rounding is innocuous, Figueroa 1995)        values
//   bf16   native float, then the float rounded to bf16 on its bit pattern        values
// and exp/log against MPFR at high precision plus one exact rounding (float_oracle.hpp).
//
// Why float-then-bf16 is a correct bf16 oracle. In the normal range it is a double rounding to
// 24 then 8 bits, innocuous for + - * / sqrt since 24 >= 2*8 + 2 (Figueroa). Both formats share
// the exponent range, so a result below 2^-126 is rounded first to the float grid 2^-149, then
// to the bf16 grid 2^-133; that goes wrong only if the float rounding lands exactly on a bf16
// midpoint m (an odd multiple of 2^-134) that the exact result v is not, i.e. 0 < |v - m| <=
// 2^-150. Sums of bf16 values are multiples of 2^-133: exact in float. A product of two 8-bit
// significands has at most 16 significant bits; when |v| >= 2^-135 its last bit is >= 2^-150, and
// it is 2^-150 only if v < 2^-134 (16 bits from 2^-135): then v is exact in float unless below
// 2^-134 + 2^-150, which bf16 rounds to 0 either way. So |v - m| is 0 or >= 2^-149. For a quotient
// a/b (a = A 2^x, b = B 2^y, A, B odd, B < 2^8) near m = M 2^-134: a - m b is a nonzero integer
// combination of 2^x and 2^(y - 134), so |v - m| >= 2^min(x, y - 134) / (B 2^y) >
// 2^min(x - y - 8, -142), and x - y > log2(v) - 8 >= -143 for v >= 2^-135: |v - m| > 2^-150.
// Square roots of bf16 values are never below 2^-126.

using namespace freelunch;
using namespace freelunch::arith;
using freelunch::testing::Op;
using freelunch::testing::OperandSampler;
using freelunch::testing::Rounded;

namespace {

FpFormat format(const char* name) { return std::get<FloatSpec>(parse_precision(name).spec).format; }

constexpr Op kOps[] = {Op::add, Op::sub, Op::mul, Op::div, Op::sqrt};


// The hardware's sticky flags. On x86-64 float and double arithmetic is SSE, whose flags live
// in MXCSR: reading and clearing them there skips the x87 environment that feclearexcept also
// rewrites (which took 40% of this test). Elsewhere <cfenv>.
#if defined(__SSE2__)
void clear_hardware_flags() { _MM_SET_EXCEPTION_STATE(0); }
Flags hardware_flags() {
  const unsigned raised = _MM_GET_EXCEPTION_STATE();
  Flags f;
  if (raised & _MM_EXCEPT_INEXACT) f.raise(Flag::inexact);
  if (raised & _MM_EXCEPT_UNDERFLOW) f.raise(Flag::underflow);
  if (raised & _MM_EXCEPT_OVERFLOW) f.raise(Flag::overflow);
  if (raised & _MM_EXCEPT_DIV_ZERO) f.raise(Flag::divbyzero);
  if (raised & _MM_EXCEPT_INVALID) f.raise(Flag::invalid);
  return f;
}
#else
void clear_hardware_flags() { std::feclearexcept(FE_ALL_EXCEPT); }
Flags hardware_flags() {
  const int raised = std::fetestexcept(FE_ALL_EXCEPT);
  Flags f;
  if (raised & FE_INEXACT) f.raise(Flag::inexact);
  if (raised & FE_UNDERFLOW) f.raise(Flag::underflow);
  if (raised & FE_OVERFLOW) f.raise(Flag::overflow);
  if (raised & FE_DIVBYZERO) f.raise(Flag::divbyzero);
  if (raised & FE_INVALID) f.raise(Flag::invalid);
  return f;
}
#endif

// One native operation between clearing and reading the flags. GCC has no FENV_ACCESS; volatile
// operands and result pin the operation between the two, and noinline keeps it there.
// Without with_flags the flags are not touched (that costs more than the operation).
template <class T, bool with_flags>
[[gnu::noinline]] Rounded native(Op op, T a, T b) {
  volatile T va = a;
  volatile T vb = b;
  if constexpr (with_flags) clear_hardware_flags();
  T r{};
  switch (op) {
    case Op::add: r = va + vb; break;
    case Op::sub: r = va - vb; break;
    case Op::mul: r = va * vb; break;
    case Op::div: r = va / vb; break;
    case Op::sqrt:
      if constexpr (std::is_same_v<T, _Float16>) {
        r = static_cast<_Float16>(std::sqrt(static_cast<float>(va)));
      } else {
        r = std::sqrt(static_cast<T>(va));
      }
      break;
  }
  volatile T vr = r;
  const Flags raised = with_flags ? hardware_flags() : Flags{};
  return {static_cast<double>(vr), raised};
}

// Round-to-nearest-even of a float's bit pattern to bf16 (the top 16 bits).
double float_to_bf16(float f) {
  if (std::isnan(f)) return f;
  std::uint32_t u = std::bit_cast<std::uint32_t>(f);
  u += 0x7fffu + ((u >> 16) & 1u);
  return std::bit_cast<float>(u & 0xffff0000u);
}

// Counting only (which cases were decisive): is the exact result of a op b a midpoint between
// two neighbours in the format? Formats of at most 24 bits: the exact result in binary64 when
// it is one, then the bits under the format's quantum. binary64: the error-free residual err is
// half the gap to the neighbour on its side (normal range).
bool is_tie(Op op, double a, double b, const FpFormat& f) {
  if (op == Op::sqrt || !std::isfinite(a) || !std::isfinite(b) || b == 0) return false;
  const double bb = op == Op::sub ? -b : b;
  double d = 0;
  double err = 0;
  switch (op) {
    case Op::add:
    case Op::sub: {
      d = a + bb;
      const double t = d - a;
      err = (a - (d - t)) + (bb - t);
      break;
    }
    case Op::mul: d = a * b; err = std::fma(a, b, -d); break;
    default: d = a / b; err = -std::fma(-d, b, a) / b; break;
  }
  if (!std::isfinite(d) || d == 0) return false;
  if (f.is_binary64()) {
    if (err == 0 || std::fabs(d) < 0x1p-960 || op == Op::div) return false;
    const double next = std::nextafter(d, err > 0 ? HUGE_VAL : -HUGE_VAL);
    return std::fabs(next - d) == 2 * std::fabs(err);
  }
  if (err != 0) return false;
  const int k = std::max(std::ilogb(d), f.emin_normal()) - f.man_bits;
  const double t = std::fabs(std::ldexp(d, -k));
  return t - std::floor(t) == 0.5;
}

struct Tally {
  std::uint64_t pairs = 0, subnormal = 0, overflow = 0, ties = 0, mismatches = 0, flag_mismatches = 0;
};

// n random pairs of `op` in format fmt; reference(op, a, b) gives the expected result, whose
// flags are compared when compare_flags. Prints the counts; returns them for the thresholds.
template <class Reference>
Tally run(const FpFormat& fmt, Op op, std::uint64_t n, Reference&& reference, bool compare_flags) {
  const SoftFloatArith ar(fmt);
  const std::uint64_t seed = testing::seed() * 1000003u + static_cast<std::uint64_t>(fmt.exp_bits * 64 + fmt.man_bits) * 16 + static_cast<int>(op);
  OperandSampler sampler(fmt, seed);
  Tally t;
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::uint64_t pa = sampler.pattern();
    const std::uint64_t pb = op == Op::sqrt ? 0 : sampler.partner(pa);
    const double a = sampler.value(pa);
    const double b = sampler.value(pb);
    ar.clear_flags();
    const SoftFloat r = apply(op, ar, SoftFloat(a, &ar), SoftFloat(b, &ar));
    const Rounded want = reference(op, a, b);
    ++t.pairs;
    if (testing::is_subnormal_in(want.value, fmt)) ++t.subnormal;
    if (want.flags.test(Flag::overflow) || (std::isinf(want.value) && std::isfinite(a) && std::isfinite(b) && !(op == Op::div && b == 0)))
      ++t.overflow;
    if (is_tie(op, a, b, fmt)) ++t.ties;
    const bool value_ok = testing::same_bits(r.value(), want.value);
    const bool flags_ok = !compare_flags || ar.flags() == want.flags;
    if (!value_ok) ++t.mismatches;
    if (!flags_ok) ++t.flag_mismatches;
    if ((!value_ok || !flags_ok) && t.mismatches + t.flag_mismatches <= 10) {
      BOOST_ERROR(fmt.name << " " << testing::op_name(op) << " seed " << testing::seed() << " iteration " << i << ": a = "
                            << testing::hex(a) << " (bits 0x" << std::hex << pa << "), b = " << testing::hex(b) << " (bits 0x" << pb
                            << std::dec << "), rounding nearest-even: got " << testing::hex(r.value()) << " flags "
                            << ar.flags().to_string() << ", want " << testing::hex(want.value) << " flags " << want.flags.to_string());
    }
  }
  BOOST_TEST_MESSAGE(fmt.name << " " << testing::op_name(op) << ": " << t.pairs << " pairs, " << t.subnormal << " subnormal results, "
                              << t.overflow << " overflows, " << t.ties << " ties, " << t.mismatches << " mismatches"
                              << (compare_flags ? ", " + std::to_string(t.flag_mismatches) + " flag mismatches" : std::string()));
  BOOST_TEST(t.mismatches == 0u);
  BOOST_TEST(t.flag_mismatches == 0u);
  return t;
}

// Enough decisive cases: subnormal results, overflows and ties where the operation has them
// (sqrt has none of the three: it neither overflows, nor leaves the normal range of these
// formats, nor lands on a midpoint). Thresholds are fractions of the pairs drawn.
void require_decisive(Op op, const Tally& t) {
  const std::uint64_t floor = t.pairs / 2000;
  if (op == Op::sqrt) return;
  BOOST_TEST(t.subnormal > floor);
  if (op != Op::div) BOOST_TEST(t.ties > floor);
  BOOST_TEST(t.overflow > floor);
}

const std::uint64_t kPairs = testing::iterations(1'000'000);

}  // namespace

BOOST_AUTO_TEST_CASE(fp64_matches_native_double_and_its_flags) {
  const FpFormat f = format("fp64");
  for (Op op : kOps) require_decisive(op, run(f, op, kPairs, [](Op o, double a, double b) { return native<double, true>(o, a, b); }, true));
}

BOOST_AUTO_TEST_CASE(fp32_matches_native_float_and_its_flags) {
  // x86 SSE detects tininess after rounding, as flags.hpp specifies, and raises underflow only
  // with inexact (the masked-underflow rule): the hardware flags are a reference as they are.
  const FpFormat f = format("fp32");
  const auto ref = [](Op o, double a, double b) { return native<float, true>(o, static_cast<float>(a), static_cast<float>(b)); };
  for (Op op : kOps) require_decisive(op, run(f, op, kPairs, ref, true));
}

BOOST_AUTO_TEST_CASE(fp16_matches_native_float16) {
  const FpFormat f = format("fp16");
  const auto ref = [](Op o, double a, double b) { return native<_Float16, false>(o, static_cast<_Float16>(a), static_cast<_Float16>(b)); };
  for (Op op : kOps) require_decisive(op, run(f, op, kPairs, ref, false));
}

BOOST_AUTO_TEST_CASE(bf16_matches_float_rounded_to_bf16) {
  const FpFormat f = format("bf16");
  const auto ref = [](Op o, double a, double b) {
    const Rounded r = native<float, false>(o, static_cast<float>(a), static_cast<float>(b));
    return Rounded{float_to_bf16(static_cast<float>(r.value)), {}};
  };
  for (Op op : kOps) require_decisive(op, run(f, op, kPairs, ref, false));
}

BOOST_AUTO_TEST_CASE(small_formats_match_the_rational_oracle) {
  // The same random mix through the exact-rational oracle, for formats without a native type.
  for (const char* name : {"e5m2", "e4m3", "f6.9", "f3.2"}) {
    const FpFormat f = format(name);
    for (Op op : kOps) run(f, op, kPairs / 50, [&](Op o, double a, double b) { return testing::oracle(o, a, b, f); }, true);
  }
}

BOOST_AUTO_TEST_CASE(exp_and_log_are_correctly_rounded) {
  // Against MPFR at 4p + 64 bits enclosing the value, rounded once with exact rationals.
  // Arguments: half from the general mix (specials, zeros, negatives, extremes), half with
  // moderate exponents: for exp up to past the overflow and underflow thresholds (|x| near
  // emax ln 2), for log around 1 (cancellation) and across the whole range.
  const std::uint64_t n = testing::iterations(4000);
  for (const char* name : {"fp64", "fp32", "bf16", "fp16", "e5m2", "e4m3", "f6.9"}) {
    const FpFormat f = format(name);
    const SoftFloatArith ar(f);
    OperandSampler sampler(f, testing::seed() * 7919u + static_cast<std::uint64_t>(f.exp_bits * 64 + f.man_bits));
    const long top_exp = static_cast<long>(std::ceil(std::log2(f.emax() + 1.0))) + 1;
    for (testing::Fn fn : {testing::Fn::exp, testing::Fn::log}) {
      std::uint64_t overflows = 0, tiny = 0, undecided = 0, mismatches = 0;
      for (std::uint64_t i = 0; i < n; ++i) {
        std::uint64_t bits = sampler.pattern();
        if (testing::below(sampler.rng(), 2) == 0) {
          const bool near_one = fn == testing::Fn::log && testing::below(sampler.rng(), 2) == 0;
          bits = fn == testing::Fn::exp ? sampler.positive_with_exponent(-(f.man_bits + 2), top_exp)
                                        : near_one ? sampler.positive_with_exponent(-1, 0)
                                                   : sampler.positive_with_exponent(f.emin_subnormal(), f.emax());
          if (fn == testing::Fn::exp && testing::below(sampler.rng(), 2) == 0) bits |= 1ull << (f.exp_bits + f.man_bits);
        }
        const double x = sampler.value(bits);
        ar.clear_flags();
        const SoftFloat r = fn == testing::Fn::exp ? ar.exp(SoftFloat(x, &ar)) : ar.log(SoftFloat(x, &ar));
        const std::optional<Rounded> want = testing::oracle(fn, x, f, 4 * f.precision() + 64);
        if (!want) {
          ++undecided;
          continue;
        }
        if (want->flags.test(Flag::overflow)) ++overflows;
        if (want->flags.test(Flag::underflow)) ++tiny;
        if (!testing::same_bits(r.value(), want->value) || ar.flags() != want->flags) {
          if (++mismatches <= 10)
            BOOST_ERROR(name << " " << testing::fn_name(fn) << " seed " << testing::seed() << " iteration " << i << ": x = " << testing::hex(x)
                             << ", got " << testing::hex(r.value()) << " flags " << ar.flags().to_string() << ", want "
                             << testing::hex(want->value) << " flags " << want->flags.to_string());
        }
      }
      BOOST_TEST_MESSAGE(name << " " << testing::fn_name(fn) << ": " << n << " arguments, " << overflows << " overflows, " << tiny
                              << " underflows, " << undecided << " undecided, " << mismatches << " mismatches");
      BOOST_TEST(mismatches == 0u);
      BOOST_TEST(undecided <= n / 1000);
      if (fn == testing::Fn::exp) {
        BOOST_TEST(overflows > n / 100);
        BOOST_TEST(tiny > n / 100);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(tininess_after_rounding_as_the_hardware_detects_it) {
  // The two sides of the rule at the smallest normal 2^emin, on fp32 and fp64, hardware and
  // fast path alike. (1 - 2^-p) 2^emin rounds to 2^emin on the subnormal grid (a tie to even)
  // but fits p bits: tiny after rounding, underflow. (1 - 2^-2q) 2^emin with 2q >= p + 1 also
  // rounds to 2^emin, and to 1 * 2^emin with p bits: not tiny, inexact only.
  struct Case {
    const char* format;
    double a, b;
    const char* flags;
  };
  const Case cases[] = {
      {"fp32", 1 - 0x1p-24, 0x1p-126, "inexact,underflow"},
      {"fp32", 1 - 0x1p-13, (1 + 0x1p-13) * 0x1p-126, "inexact"},
      {"fp64", 1 - 0x1p-53, 0x1p-1022, "inexact,underflow"},
      {"fp64", 1 - 0x1p-27, (1 + 0x1p-27) * 0x1p-1022, "inexact"},
  };
  for (const Case& c : cases) {
    const FpFormat f = format(c.format);
    const SoftFloatArith ar(f);
    ar.clear_flags();
    const SoftFloat r = SoftFloat(c.a, &ar) * SoftFloat(c.b, &ar);
    const Rounded hw = f.is_binary64() ? native<double, true>(Op::mul, c.a, c.b)
                                       : native<float, true>(Op::mul, static_cast<float>(c.a), static_cast<float>(c.b));
    BOOST_TEST_CONTEXT(c.format << " " << testing::hex(c.a) << " * " << testing::hex(c.b)) {
      BOOST_TEST(r.value() == std::ldexp(1.0, f.emin_normal()));
      BOOST_TEST(hw.value == r.value());
      BOOST_TEST(ar.flags().to_string() == c.flags);
      BOOST_TEST(hw.flags.to_string() == c.flags);
    }
  }
}

BOOST_AUTO_TEST_CASE(sums_are_exact_in_binary64_where_the_context_says_so) {
  // SoftFloatArith skips TwoSum when every binary64 sum of two format values is exact
  // (sums_exact: exponent span plus precision fit 53 bits). Which formats claim it, and for the
  // 8-bit ones every pair of finite values checked against the exact rational sum; fp16 on the
  // extremes (largest plus smallest subnormal, the widest span).
  for (const char* name : {"fp16", "e5m2", "e4m3", "f5.10"}) BOOST_TEST(SoftFloatArith(format(name)).sums_exact(), name);
  for (const char* name : {"bf16", "fp32", "fp64", "f8.7"}) BOOST_TEST(!SoftFloatArith(format(name)).sums_exact(), name);
  std::uint64_t checked = 0;
  for (const char* name : {"e5m2", "e4m3"}) {
    const FpFormat f = format(name);
    for (std::uint64_t pa = 0; pa < 256; ++pa) {
      for (std::uint64_t pb = 0; pb < 256; ++pb) {
        const double a = testing::decode(pa, f);
        const double b = testing::decode(pb, f);
        if (!std::isfinite(a) || !std::isfinite(b)) continue;
        BOOST_TEST((rational_from_double(a + b) == rational_from_double(a) + rational_from_double(b)), name << " " << a << " + " << b);
        ++checked;
      }
    }
  }
  const FpFormat fp16 = format("fp16");
  const double big = fp16.max_finite_double;
  const double tiny = std::ldexp(1.0, fp16.emin_subnormal());
  BOOST_TEST((rational_from_double(big + tiny) == rational_from_double(big) + rational_from_double(tiny)));
  BOOST_TEST((rational_from_double(-big - tiny) == -(rational_from_double(big) + rational_from_double(tiny))));
  BOOST_TEST(checked > 100'000u);
}
