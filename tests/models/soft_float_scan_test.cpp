#define BOOST_TEST_MODULE soft_float_scan
#include "support/test_support.hpp"

#include <bit>
#include <cmath>
#include <vector>

#include "arith/precision.hpp"
#include "arith/soft_float.hpp"
#include "core/random.hpp"
#include "models/selective_scan.hpp"

using namespace freelunch;

namespace {

arith::FpFormat format(const std::string& name) { return std::get<arith::FloatSpec>(arith::parse_precision(name).spec).format; }

// A random instance whose magnitudes span `spread` binades around 1, so that some runs meet
// subnormal results, some overflow, and most stay normal. Decays are mostly in (0, 1), with some
// zero and negative ones (so that -0 arises: a h = -0 for a < 0, h = +0).
models::ScanParams<Rational> instance(Rng& rng, std::size_t length, std::size_t n, models::DecayKind kind, long spread) {
  models::ScanParams<Rational> p{length, n, kind, {}, {}, {}, std::nullopt};
  auto value = [&](long lo, long hi) { return Rational(rng.uniform(-64, 64), 16) * pow2(rng.uniform(lo, hi)); };
  const std::size_t decays = kind == models::DecayKind::scalar ? length : length * n;
  for (std::size_t i = 0; i < decays; ++i) p.a.push_back(Rational(rng.uniform(-64, 255), 256) * pow2(rng.uniform(-spread, 1)));
  for (std::size_t i = 0; i < length * n; ++i) p.b.push_back(value(-spread, spread));
  for (std::size_t i = 0; i < length * n; ++i) p.c.push_back(value(-spread, spread));
  if (rng.coin()) p.skip = value(-2, 2);
  return p;
}

bool same_bits(double b, double g) {
  return std::isnan(b) ? std::isnan(g) : std::bit_cast<std::uint64_t>(b) == std::bit_cast<std::uint64_t>(g);
}

// Runs the scan of (exact, u_exact) in format `name` through selective_scan (which takes the
// batched kernel), through every build of the kernel this processor runs (including those the
// dispatcher skips) and through selective_scan_generic, and checks values and flags bit for bit.
// Returns the generic scan's flags and counts the builds checked. With negative_zeros every zero
// input (u, a, b, c) is -0, which from_rational never gives.
void negate_zeros(std::vector<arith::SoftFloat>& v, const arith::SoftFloatArith& ar) {
  for (auto& x : v)
    if (x.value() == 0) x = arith::SoftFloat(-0.0, &ar);
}
void negate_zeros(models::ScanParams<arith::SoftFloat>& p, std::vector<arith::SoftFloat>& u, const arith::SoftFloatArith& ar) {
  negate_zeros(p.a, ar);
  negate_zeros(p.b, ar);
  negate_zeros(p.c, ar);
  negate_zeros(u, ar);
}

std::string check_against_generic(const std::string& name, const models::ScanParams<Rational>& exact,
                                  const std::vector<Rational>& u_exact, const std::string& label, std::size_t& builds_checked,
                                  bool negative_zeros = false) {
  const models::RoundingSemantics sem;
  const arith::SoftFloatArith batched(format(name)), generic(format(name));
  BOOST_REQUIRE(models::soft_float_scan_applies(batched, sem));
  std::vector<arith::SoftFloat> ub, ug;
  for (const Rational& q : u_exact) ub.push_back(batched.from_rational(q));
  for (const Rational& q : u_exact) ug.push_back(generic.from_rational(q));
  auto pb = models::to_arithmetic(batched, exact, sem);
  auto pg = models::to_arithmetic(generic, exact, sem);
  if (negative_zeros) negate_zeros(pb, ub, batched), negate_zeros(pg, ug, generic);
  batched.clear_flags();
  generic.clear_flags();
  const auto yb = models::selective_scan(batched, pb, std::span<const arith::SoftFloat>(ub), sem);
  const auto yg = models::selective_scan_generic(generic, pg, std::span<const arith::SoftFloat>(ug), sem);
  BOOST_REQUIRE(yb.size() == yg.size());
  for (std::size_t t = 0; t < yb.size(); ++t)
    BOOST_TEST(same_bits(yb[t].value(), yg[t].value()), label << " t=" << t << ": " << yb[t].value() << " vs " << yg[t].value());
  BOOST_TEST(batched.flags().to_string() == generic.flags().to_string(), label);

  for (int isa = 0; isa <= static_cast<int>(models::detail::best_scan_isa()); ++isa) {
    const auto which = static_cast<models::detail::ScanIsa>(isa);
    const arith::SoftFloatArith one(format(name));
    std::vector<arith::SoftFloat> u0;
    for (const Rational& q : u_exact) u0.push_back(one.from_rational(q));
    auto p0 = models::to_arithmetic(one, exact, sem);
    if (negative_zeros) negate_zeros(p0, u0, one);
    one.clear_flags();
    const std::span<const arith::SoftFloat> in(u0);
    auto y0 = one.sums_exact() ? models::detail::soft_float_scan_on<true>(which, one, p0, in, sem)
                               : models::detail::soft_float_scan_on<false>(which, one, p0, in, sem);
    if (p0.skip)  // the kernel leaves the skip term D to its caller, selective_scan
      for (std::size_t t = 0; t < y0.size(); ++t) y0[t] = y0[t] + *p0.skip * u0[t];
    BOOST_REQUIRE(y0.size() == yg.size());
    for (std::size_t t = 0; t < y0.size(); ++t)
      BOOST_TEST(same_bits(y0[t].value(), yg[t].value()), label << " isa " << isa << " t=" << t << ": " << y0[t].value() << " vs " << yg[t].value());
    BOOST_TEST(one.flags().to_string() == generic.flags().to_string(), label << " isa " << isa);
    ++builds_checked;
  }
  return generic.flags().to_string();
}

constexpr std::size_t kMambaState = 16;  // d_state

}  // namespace

// The batched kernel gives the generic scan's values bit for bit (sign of zero, inf and NaN
// included) and the same sticky flags, on random instances in every fast-path format, including
// instances that underflow and overflow.
BOOST_AUTO_TEST_CASE(batched_scan_equals_the_generic_scan) {
  Rng rng(20261130);
  std::size_t runs = 0, careful = 0, builds_checked = 0, unrolled_careful = 0;
  for (const std::string name : {"fp16", "bf16", "fp32", "e5m2", "e4m3", "f6.9"}) {
    for (int k = 0; k < 60; ++k) {
      // Every fifth instance has Mamba's n = 16 (two whole AVX-512 vectors of state).
      const std::size_t length = static_cast<std::size_t>(rng.uniform(1, 40));
      const std::size_t n = k % 5 == 4 ? kMambaState : static_cast<std::size_t>(rng.uniform(1, 9));
      const auto kind = rng.coin() ? models::DecayKind::scalar : models::DecayKind::per_state;
      const long spread = k % 3 == 0 ? 1 : (k % 3 == 1 ? 6 : 20);
      const auto exact = instance(rng, length, n, kind, spread);
      std::vector<Rational> u_exact;
      for (std::size_t t = 0; t < length; ++t) u_exact.push_back(Rational(rng.uniform(-40, 40), 4) * pow2(rng.uniform(-spread, spread)));

      const std::string flags = check_against_generic(name, exact, u_exact, name + " run " + std::to_string(k), builds_checked, k % 2 == 1);
      const bool unusual = flags.find("underflow") != std::string::npos || flags.find("overflow") != std::string::npos;
      careful += unusual;
      unrolled_careful += unusual && n == kMambaState;
      ++runs;
    }
  }
  BOOST_TEST_MESSAGE(runs << " instances, " << careful << " with underflow or overflow (" << unrolled_careful << " of them with n = 16); " << builds_checked / runs
                        << " builds of the kernel checked per instance (baseline, then AVX2 and AVX-512 where this processor runs them)");
  BOOST_TEST(careful > 20u);  // the careful path was exercised
  BOOST_TEST(unrolled_careful > 2u);  // and on the unrolled kernel
}

// The kernel's rounding (Veltkamp's splitting on eight lanes) gives, for every result in the
// format's normal range, the bits and the inexact flag of SoftFloatArith's rounding, in every
// format with 2 to 25 significand bits: products, sums, and sums that are exact ties, signed
// zeros included. Results outside the normal range must show in the watch (the kernel then redoes
// the block).
BOOST_AUTO_TEST_CASE(fast_rounding_equals_the_format_rounding) {
  Rng rng(20261202);
  std::size_t ops = 0, ties = 0, outside = 0;
  for (int m = 1; m <= 24; ++m) {
    const arith::FpFormat fmt = format("f8." + std::to_string(m));
    const arith::SoftFloatArith ar(fmt);
    models::detail::Lanes<8>::D sigma;
    models::detail::broadcast(sigma, std::ldexp(1.0, 52 - m) + 1);
    const std::uint64_t min_normal_bits = std::bit_cast<std::uint64_t>(std::ldexp(1.0, fmt.emin_normal()));
    const std::uint64_t max_finite_bits = std::bit_cast<std::uint64_t>(fmt.max_finite_double);
    // A random value of the format: a (m+1)-bit significand, exponents around 1 and, one time in
    // eight, near the ends of the range; zero one time in sixteen.
    auto value = [&](int& exponent) {
      const std::int64_t top = std::int64_t{1} << m;
      const double significand = static_cast<double>(rng.uniform(top, 2 * top - 1)) * (rng.coin() ? 1 : -1);
      exponent = rng.uniform(0, 7) == 0 ? static_cast<int>(rng.coin() ? rng.uniform(fmt.emin_normal(), fmt.emin_normal() + 4)
                                                                       : rng.uniform(fmt.emax() - 4, fmt.emax()))
                                        : static_cast<int>(rng.uniform(-8, 8));
      if (rng.uniform(0, 15) == 0) return rng.coin() ? 0.0 : -0.0;
      return std::ldexp(significand, exponent - m);
    };
    for (int i = 0; i < 12000; ++i) {
      int ea = 0, eb = 0;
      const double a = value(ea);
      double b = value(eb);
      const int kind = i % 3;  // product, sum, tie
      if (kind == 2) b = std::copysign(std::ldexp(1.0, ea - m - 1), b);  // half an ulp of a: a + b is a tie
      const arith::SoftFloat x(a, &ar), z(b, &ar);
      ar.clear_flags();
      const double want = (kind == 0 ? x * z : x + z).value();
      const double exact_in_double = kind == 0 ? a * b : a + b;
      models::detail::LaneWatch<8> w;
      models::detail::Lanes<8>::D lanes, la, lb;
      models::detail::broadcast(lanes, exact_in_double);
      models::detail::broadcast(la, a);
      models::detail::broadcast(lb, b);
      if (kind != 0) models::detail::note_sum_error<8>(la, lb, lanes, w);
      models::detail::round_lanes<true, 8>(lanes, sigma, w);
      ++ops;
      bool lost = false;
      if (!w.all_normal(min_normal_bits, max_finite_bits, lost)) {  // the kernel would redo this block
        ++outside;
        continue;
      }
      ties += kind == 2 && a != 0;
      BOOST_TEST(same_bits(lanes[7], want), fmt.name << ": " << a << (kind == 0 ? " * " : " + ") << b << " gave " << lanes[7] << ", expected " << want);
      BOOST_TEST(lost == ar.flags().test(arith::Flag::inexact), fmt.name << ": inexact of " << a << " op " << b);
      BOOST_TEST((ar.flags().bits() & ~static_cast<unsigned>(arith::Flag::inexact)) == 0u, fmt.name << ": a flag other than inexact inside the range");
    }
  }
  BOOST_TEST_MESSAGE(ops << " roundings in 24 formats, " << ties << " of them ties, " << outside << " outside the normal range");
  BOOST_TEST(ties > 50000u);
  BOOST_TEST(outside > 1000u);
}

// Inexact is sticky, so once a block raised it the kernel stops looking for discarded bits. Here
// the first 40 steps are exact (u = 0 keeps h = 0), so inexact first appears in a later block;
// and a scan that is exact throughout raises nothing. Each also with -0 for every zero input.
BOOST_AUTO_TEST_CASE(inexact_from_a_later_block_and_never) {
  Rng rng(20261203);
  std::size_t builds = 0;
  for (const std::size_t n : {std::size_t{16}, std::size_t{5}}) {
    for (const std::string name : {"bf16", "fp16", "fp32"}) {
      auto exact = instance(rng, 80, n, models::DecayKind::per_state, 1);
      std::vector<Rational> u_exact;
      for (std::size_t t = 0; t < 80; ++t) u_exact.push_back(t < 40 ? Rational(0) : Rational(rng.uniform(-40, 40), 4));
      for (const bool negative_zeros : {false, true})
        BOOST_TEST(check_against_generic(name, exact, u_exact, name + " late n=" + std::to_string(n), builds, negative_zeros) == "inexact");
    }
    // h_t = h_{t-1}/2 + b u with b, c in {-1, 0, 1} and |u| <= 4: at most 20 + 6 significant bits
    // over 20 steps, exact in fp32.
    models::ScanParams<Rational> p{20, n, models::DecayKind::scalar, {}, {}, {}, std::nullopt};
    std::vector<Rational> u_exact;
    for (std::size_t t = 0; t < 20; ++t) {
      p.a.push_back(Rational(1, 2));
      u_exact.push_back(Rational(rng.uniform(-4, 4)));
      for (std::size_t s = 0; s < n; ++s) p.b.push_back(Rational(rng.uniform(-1, 1))), p.c.push_back(Rational(rng.uniform(-1, 1)));
    }
    for (const bool negative_zeros : {false, true})
      BOOST_TEST(check_against_generic("fp32", p, u_exact, "exact n=" + std::to_string(n), builds, negative_zeros) == "none");
  }
  BOOST_TEST(builds >= 8u);
}
