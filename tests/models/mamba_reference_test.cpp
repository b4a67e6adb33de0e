#define BOOST_TEST_MODULE mamba_reference
#include "support/test_support.hpp"

// The selective scan in fp32 against the reference formulas of the mamba_ssm package
// (selective_scan_ref), written out as a plain float loop:
//
//   deltaA   = exp(Δ·A)              a = exp(Δ_t * A_s)
//   deltaB_u = Δ·B·u                 (Δ_t * B_ts) * u_t
//   x        = deltaA * x + deltaB_u two roundings: the product, then the sum
//   y        = Σ_n x·C               ((h_0 C_0 + h_1 C_1) + h_2 C_2) + ...
//   out      = y + u·D, then out · silu(z) with silu(z) = z / (1 + exp(-z))
//
// every operation one IEEE binary32 operation (-ffp-contract=off, SSE), in that order. Both sides
// use correctly rounded exp values: the library its own (SoftFloatArith::exp), the loop one computed
// here with MPFR alone, so every other operation is compared bit for bit, and the exp values
// themselves too. How often std::exp(float) misses the correctly rounded value is reported apart.
#include <mpfr.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "arith/mpfr_guard.hpp"
#include "arith/precision.hpp"
#include "arith/scoped_mpfr.hpp"
#include "core/random.hpp"
#include "models/mamba_channel.hpp"

using namespace freelunch;

namespace {

using Mpfr = arith::ScopedMpfr;  // an mpfr_t owned by this scope

// e^x correctly rounded to binary32 (nearest even, subnormals, overflow to +inf): MPFR at 24 bits
// in binary32's exponent range [-148, 128], then mpfr_subnormalize (THEORY §1.4).
float exp_correctly_rounded(float x) {
  Mpfr in(24), out(24);
  mpfr_set_flt(in.get(), x, MPFR_RNDN);  // exact
  const arith::MpfrRangeGuard guard(-148, 128);
  int ternary = mpfr_exp(out.get(), in.get(), MPFR_RNDN);
  ternary = mpfr_subnormalize(out.get(), ternary, MPFR_RNDN);
  return mpfr_get_flt(out.get(), MPFR_RNDN);  // exact: a binary32 value
}

// A random binary32 value with a full random significand: sign * m * 2^(e - 23), m in [2^23, 2^24).
float random_float(Rng& rng, int emin, int emax, bool negative) {
  const auto m = static_cast<float>(rng.uniform(std::int64_t{1} << 23, (std::int64_t{1} << 24) - 1));
  const float v = std::ldexp(m, static_cast<int>(rng.uniform(emin, emax)) - 23);
  return negative ? -v : v;
}

float random_signed(Rng& rng, int emin, int emax) { return random_float(rng, emin, emax, rng.coin()); }

struct Instance {
  std::size_t length, state;
  std::vector<float> delta, A, B, C, u, z;
  bool has_skip;
  float D;

  std::string describe() const {
    std::ostringstream out;
    out.precision(9);
    auto list = [&](const char* name, const std::vector<float>& xs) {
      out << " " << name << "=[";
      for (std::size_t i = 0; i < xs.size(); ++i) out << (i ? " " : "") << std::hexfloat << xs[i] << std::defaultfloat;
      out << "]";
    };
    out << "N=" << length << " n=" << state;
    list("delta", delta);
    list("A", A);
    list("B", B);
    list("C", C);
    list("u", u);
    list("z", z);
    if (has_skip) out << " D=" << std::hexfloat << D;
    return out.str();
  }
};

// Shapes and magnitudes as in a trained Mamba layer: Δ in about [2^-7, 4) (up to 2^4 now and then,
// so that exp(Δ A) reaches the subnormals and underflows to 0), A in [-16, -1/2], B, C, u, z of
// magnitude up to 4.
Instance random_instance(Rng& rng) {
  Instance inst{};
  inst.length = static_cast<std::size_t>(rng.uniform(1, 40));
  inst.state = static_cast<std::size_t>(rng.uniform(1, 16));
  const bool long_steps = rng.uniform(0, 3) == 0;
  for (std::size_t t = 0; t < inst.length; ++t) inst.delta.push_back(random_float(rng, -7, long_steps ? 3 : 1, false));
  for (std::size_t s = 0; s < inst.state; ++s) inst.A.push_back(random_float(rng, -1, 3, true));
  for (std::size_t i = 0; i < inst.length * inst.state; ++i) {
    inst.B.push_back(random_signed(rng, -6, 1));
    inst.C.push_back(random_signed(rng, -6, 1));
  }
  for (std::size_t t = 0; t < inst.length; ++t) {
    inst.u.push_back(random_signed(rng, -6, 1));
    inst.z.push_back(random_signed(rng, -6, 1));
  }
  inst.has_skip = rng.coin();
  inst.D = random_signed(rng, -3, 0);
  return inst;
}

// A fixed corner on top: Δ A = -96 (e^-96 ~ 2.0e-42, a subnormal decay) and Δ A = -128 (e^-128
// underflows to 0).
Instance corner_instance(Rng& rng) {
  Instance inst = random_instance(rng);
  while (inst.length < 2) inst = random_instance(rng);
  inst.A[0] = -16.0f;
  inst.delta[0] = 6.0f;
  inst.delta[1] = 8.0f;
  return inst;
}

// The reference loop; `exp_of` is the exp used for deltaA and for silu. Also returns the decays.
template <class Exp>
std::vector<float> reference_loop(const Instance& in, Exp&& exp_of, std::vector<float>* decays = nullptr) {
  const std::size_t n = in.state;
  std::vector<float> x(n, 0.0f), out;
  for (std::size_t t = 0; t < in.length; ++t) {
    for (std::size_t s = 0; s < n; ++s) {
      const float delta_a = in.delta[t] * in.A[s];
      const float a = exp_of(delta_a);
      if (decays) decays->push_back(a);
      const float delta_b = in.delta[t] * in.B[t * n + s];
      const float delta_b_u = delta_b * in.u[t];
      const float decayed = a * x[s];
      x[s] = decayed + delta_b_u;
    }
    float y = x[0] * in.C[t * n];
    for (std::size_t s = 1; s < n; ++s) {
      const float term = x[s] * in.C[t * n + s];
      y = y + term;
    }
    if (in.has_skip) {
      const float skip = in.u[t] * in.D;
      y = y + skip;
    }
    const float e = exp_of(-in.z[t]);
    const float denominator = 1.0f + e;
    const float silu = in.z[t] / denominator;
    out.push_back(y * silu);
  }
  return out;
}

std::uint32_t bits(float f) { return std::bit_cast<std::uint32_t>(f); }

}  // namespace

BOOST_AUTO_TEST_CASE(fp32_selective_scan_matches_the_reference_loop_bit_for_bit) {
  const arith::SoftFloatArith ar(std::get<arith::FloatSpec>(arith::parse_precision("fp32").spec).format);
  using V = arith::SoftFloat;
  auto to_v = [&](const std::vector<float>& xs) {
    std::vector<V> out;
    for (const float f : xs) out.push_back(ar.from_rational(Rational(static_cast<double>(f))));  // exact
    return out;
  };
  Rng rng(testing::seed() + 61);
  const std::uint64_t count = std::max<std::uint64_t>(testing::iterations(150), 8);
  std::uint64_t outputs = 0, exp_calls = 0, std_exp_misses = 0, std_exp_misses_tiny = 0, outputs_changed_by_std_exp = 0;
  std::uint64_t zero_decays = 0, subnormal_decays = 0;
  for (std::uint64_t it = 0; it < count; ++it) {
    const Instance in = it == 0 ? corner_instance(rng) : random_instance(rng);
    BOOST_TEST_CONTEXT("seed " << testing::seed() << ", iteration " << it << ", " << in.describe()) {
      // The library: discretize (Euler, mamba_ssm's deltaB = Δ B), scan (per-operation,
      // sequential), gate.
      models::MambaChannel<V> channel{in.length, in.state, to_v(in.delta), false, to_v(in.A), to_v(in.B), to_v(in.C), std::nullopt};
      if (in.has_skip) channel.D = ar.from_rational(Rational(static_cast<double>(in.D)));
      const models::RoundingSemantics sem;  // per-op, sequential, storage=compute
      const auto params = models::discretize(ar, channel, models::Discretization::euler);
      const auto u = to_v(in.u), z = to_v(in.z);
      const auto y = models::selective_scan(ar, params, std::span(u), sem);
      const auto out = models::gate(ar, std::span(y), std::span(z));

      // The reference loop with correctly rounded exp, computed here.
      auto counted_exp = [&](float x) {
        const float cr = exp_correctly_rounded(x);
        ++exp_calls;
        if (bits(std::exp(x)) != bits(cr)) {
          ++std_exp_misses;
          if (std::fpclassify(cr) != FP_NORMAL) ++std_exp_misses_tiny;
        }
        return cr;
      };
      std::vector<float> decays;
      const std::vector<float> expected = reference_loop(in, counted_exp, &decays);

      BOOST_TEST_REQUIRE(out.size() == in.length);
      BOOST_TEST_REQUIRE(params.a.size() == decays.size());
      for (std::size_t i = 0; i < decays.size(); ++i) {
        BOOST_TEST(bits(static_cast<float>(params.a[i].value())) == bits(decays[i]),
                   "deltaA[" << i << "]: library " << std::hexfloat << params.a[i].value() << ", reference " << decays[i]);
        if (decays[i] == 0) ++zero_decays;
        if (std::fpclassify(decays[i]) == FP_SUBNORMAL) ++subnormal_decays;
      }
      for (std::size_t t = 0; t < in.length; ++t) {
        BOOST_TEST(bits(static_cast<float>(out[t].value())) == bits(expected[t]),
                   "out[" << t << "]: library " << std::hexfloat << out[t].value() << ", reference " << expected[t]);
        BOOST_TEST(static_cast<double>(static_cast<float>(out[t].value())) == out[t].value());  // a binary32 value
      }
      outputs += in.length;

      // For the report: the same loop with the C library's expf.
      const std::vector<float> with_std_exp = reference_loop(in, [](float x) { return std::exp(x); });
      for (std::size_t t = 0; t < in.length; ++t)
        if (bits(with_std_exp[t]) != bits(expected[t])) ++outputs_changed_by_std_exp;
    }
  }
  // Decisive: the corners were reached (decays in the subnormals and underflowing to 0).
  BOOST_TEST(subnormal_decays > 0u);
  BOOST_TEST(zero_decays > 0u);
  BOOST_TEST_MESSAGE("mamba reference: " << outputs << " outputs compared bit for bit; " << subnormal_decays << " subnormal and "
                                         << zero_decays << " zero decays");
  BOOST_TEST_MESSAGE("std::exp(float) differs from the correctly rounded exp in " << std_exp_misses << " of " << exp_calls << " calls ("
                                                                                  << std_exp_misses_tiny
                                                                                  << " with a subnormal or zero result); with std::exp the "
                                                                                     "loop's output changes in "
                                                                                  << outputs_changed_by_std_exp << " of " << outputs << " outputs");
}

BOOST_AUTO_TEST_CASE(correctly_rounded_exp_corners) {
  // The test's own exp against values known exactly: e^0 = 1; overflow above ln(max float)
  // (88.72...); below about -103.97 the result underflows to 0; in between, subnormal values.
  BOOST_TEST(exp_correctly_rounded(0.0f) == 1.0f);
  BOOST_TEST(exp_correctly_rounded(-0.0f) == 1.0f);
  BOOST_TEST(std::isinf(exp_correctly_rounded(89.0f)));
  BOOST_TEST(std::isfinite(exp_correctly_rounded(88.7f)));
  BOOST_TEST(exp_correctly_rounded(-104.0f) == 0.0f);
  BOOST_TEST(std::fpclassify(exp_correctly_rounded(-100.0f)) == FP_SUBNORMAL);
  // The library's SoftFloatArith::exp agrees on a sweep over [-110, 90], subnormals and overflow
  // included.
  const arith::SoftFloatArith ar(std::get<arith::FloatSpec>(arith::parse_precision("fp32").spec).format);
  Rng rng(testing::seed() + 62);
  for (int i = 0; i < 4000; ++i) {
    const float x = static_cast<float>(rng.uniform(-110 * 4096, 90 * 4096)) / 4096.0f + random_signed(rng, -30, -13);
    const float mine = exp_correctly_rounded(x);
    const double lib = ar.exp(ar.from_rational(Rational(static_cast<double>(x)))).value();
    BOOST_TEST(bits(static_cast<float>(lib)) == bits(mine), "x = " << std::hexfloat << x);
  }
}
