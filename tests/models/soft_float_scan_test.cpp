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
// subnormal results, some overflow, and most stay normal.
models::ScanParams<Rational> instance(Rng& rng, std::size_t length, std::size_t n, models::DecayKind kind, long spread) {
  models::ScanParams<Rational> p{length, n, kind, {}, {}, {}, std::nullopt};
  auto value = [&](long lo, long hi) { return Rational(rng.uniform(-64, 64), 16) * pow2(rng.uniform(lo, hi)); };
  const std::size_t decays = kind == models::DecayKind::scalar ? length : length * n;
  for (std::size_t i = 0; i < decays; ++i) p.a.push_back(Rational(rng.uniform(1, 255), 256) * pow2(rng.uniform(-spread, 1)));
  for (std::size_t i = 0; i < length * n; ++i) p.b.push_back(value(-spread, spread));
  for (std::size_t i = 0; i < length * n; ++i) p.c.push_back(value(-spread, spread));
  if (rng.coin()) p.skip = value(-2, 2);
  return p;
}

}  // namespace

// The batched kernel gives the generic scan's values bit for bit (sign of zero, inf and NaN
// included) and the same sticky flags, on random instances in every fast-path format, including
// instances that underflow and overflow.
BOOST_AUTO_TEST_CASE(batched_scan_equals_the_generic_scan) {
  Rng rng(20261130);
  std::size_t runs = 0, careful = 0, builds_checked = 0, unrolled_careful = 0;
  for (const std::string name : {"fp16", "bf16", "fp32", "e5m2", "e4m3", "f6.9"}) {
    for (int k = 0; k < 60; ++k) {
      // Every fifth instance has Mamba's n = 16, which the kernel unrolls (kUnrolledState).
      const std::size_t length = static_cast<std::size_t>(rng.uniform(1, 40));
      const std::size_t n = k % 5 == 4 ? models::detail::kUnrolledState : static_cast<std::size_t>(rng.uniform(1, 9));
      const auto kind = rng.coin() ? models::DecayKind::scalar : models::DecayKind::per_state;
      const long spread = k % 3 == 0 ? 1 : (k % 3 == 1 ? 6 : 20);
      const auto exact = instance(rng, length, n, kind, spread);
      std::vector<Rational> u_exact;
      for (std::size_t t = 0; t < length; ++t) u_exact.push_back(Rational(rng.uniform(-40, 40), 4) * pow2(rng.uniform(-spread, spread)));

      const models::RoundingSemantics sem;
      const arith::SoftFloatArith batched(format(name)), generic(format(name));
      std::vector<arith::SoftFloat> ub, ug;
      for (const Rational& q : u_exact) ub.push_back(batched.from_rational(q));
      for (const Rational& q : u_exact) ug.push_back(generic.from_rational(q));
      const auto pb = models::to_arithmetic(batched, exact, sem);
      const auto pg = models::to_arithmetic(generic, exact, sem);
      batched.clear_flags();
      generic.clear_flags();
      const auto yb = models::selective_scan(batched, pb, std::span<const arith::SoftFloat>(ub), sem);
      const auto yg = models::selective_scan_generic(generic, pg, std::span<const arith::SoftFloat>(ug), sem);
      BOOST_REQUIRE(yb.size() == yg.size());
      for (std::size_t t = 0; t < yb.size(); ++t) {
        const double b = yb[t].value(), g = yg[t].value();
        const bool same = std::isnan(b) ? std::isnan(g) : std::bit_cast<std::uint64_t>(b) == std::bit_cast<std::uint64_t>(g);
        BOOST_TEST(same, name << " run " << k << " t=" << t << ": " << b << " vs " << g);
      }
      BOOST_TEST(batched.flags().to_string() == generic.flags().to_string(), name << " run " << k);

      // Every build of the kernel this processor runs, including those the dispatcher skips.
      for (int isa = 0; isa <= static_cast<int>(models::detail::best_scan_isa()); ++isa) {
        const auto which = static_cast<models::detail::ScanIsa>(isa);
        const arith::SoftFloatArith one(format(name));
        std::vector<arith::SoftFloat> u0;
        for (const Rational& q : u_exact) u0.push_back(one.from_rational(q));
        const auto p0 = models::to_arithmetic(one, exact, sem);
        one.clear_flags();
        const std::span<const arith::SoftFloat> in(u0);
        auto y0 = one.sums_exact() ? models::detail::soft_float_scan_on<true>(which, one, p0, in, sem)
                                   : models::detail::soft_float_scan_on<false>(which, one, p0, in, sem);
        if (p0.skip)  // the kernel leaves the skip term D to its caller, selective_scan
          for (std::size_t t = 0; t < y0.size(); ++t) y0[t] = y0[t] + *p0.skip * u0[t];
        BOOST_REQUIRE(y0.size() == yg.size());
        for (std::size_t t = 0; t < y0.size(); ++t) {
          const double b = y0[t].value(), g = yg[t].value();
          const bool same = std::isnan(b) ? std::isnan(g) : std::bit_cast<std::uint64_t>(b) == std::bit_cast<std::uint64_t>(g);
          BOOST_TEST(same, name << " isa " << isa << " run " << k << " t=" << t << ": " << b << " vs " << g);
        }
        BOOST_TEST(one.flags().to_string() == generic.flags().to_string(), name << " isa " << isa << " run " << k);
        ++builds_checked;
      }
      careful += generic.flags().to_string().find("underflow") != std::string::npos ||
                 generic.flags().to_string().find("overflow") != std::string::npos;
      unrolled_careful += n == models::detail::kUnrolledState && (generic.flags().to_string().find("underflow") != std::string::npos ||
                                                                  generic.flags().to_string().find("overflow") != std::string::npos);
      ++runs;
    }
  }
  BOOST_TEST_MESSAGE(runs << " instances, " << careful << " with underflow or overflow (" << unrolled_careful << " of them with n = 16); " << builds_checked / runs
                        << " builds of the kernel checked per instance (baseline, then AVX2 and AVX-512 where this processor runs them)");
  BOOST_TEST(careful > 20u);  // the careful path was exercised
  BOOST_TEST(unrolled_careful > 2u);  // and on the unrolled kernel
}
