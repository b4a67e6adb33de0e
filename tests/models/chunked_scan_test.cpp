#define BOOST_TEST_MODULE chunked_scan
#include "support/test_support.hpp"

#include <functional>
#include <vector>

#include "arith/interval.hpp"
#include "arith/precision.hpp"
#include "core/random.hpp"
#include "models/chunked_scan.hpp"
#include "models/random_params.hpp"
#include "models/reference_rounding.hpp"
#include "models/selective_scan.hpp"

using namespace freelunch;
using models::ChunkedFault;
using models::Segsum;

namespace {

const models::RoundingSemantics kSem;

std::vector<Rational> random_input(Rng& rng, std::size_t n, bool dyadic) {
  std::vector<Rational> u;
  for (std::size_t i = 0; i < n; ++i) u.push_back(dyadic ? Rational(models::nonzero(rng, 16), 8) : rng.nonzero_rational(2, 5));
  return u;
}

// The chunked algorithm written again from THEORY §5 S2, as plainly as possible and in another
// loop order than the model: for each output i, the terms j ascending with L(i, j) multiplied
// from scratch (a_(j+1) first), then the inter term, then the state. `Ops` rounds each operation.
template <class T, class Ops>
std::vector<T> reference_chunked(Ops& ops, const std::vector<T>& a, const std::vector<T>& b, const std::vector<T>& c, const std::vector<T>& u,
                                 std::size_t n, std::size_t chunk, T zero, T one) {
  const std::size_t N = u.size();
  auto L = [&](std::size_t i, std::size_t j_plus_one) {  // a_(j+1) ... a_i, 0-based positions
    if (j_plus_one > i) return one;
    T l = a[j_plus_one];
    for (std::size_t k = j_plus_one + 1; k <= i; ++k) l = ops.mul(l, a[k]);
    return l;
  };
  auto dot = [&](std::function<T(std::size_t)> x, std::function<T(std::size_t)> y) {
    T acc = ops.mul(x(0), y(0));
    for (std::size_t k = 1; k < n; ++k) acc = ops.add(acc, ops.mul(x(k), y(k)));
    return acc;
  };
  std::vector<T> h(n, zero), y;
  for (std::size_t s = 0; s < N; s += chunk) {
    const std::size_t e = std::min(N, s + chunk);
    for (std::size_t i = s; i < e; ++i) {
      T intra = zero;
      for (std::size_t j = s; j <= i; ++j) {
        const T g = dot([&](std::size_t k) { return c[i * n + k]; }, [&](std::size_t k) { return b[j * n + k]; });
        const T term = ops.mul(ops.mul(g, L(i, j + 1)), u[j]);
        intra = j == s ? term : ops.add(intra, term);
      }
      const T from_s = L(i, s);
      const T w = dot([&](std::size_t k) { return c[i * n + k]; }, [&](std::size_t k) { return ops.mul(from_s, h[k]); });
      y.push_back(ops.add(intra, w));
    }
    const T whole = L(e - 1, s);
    for (std::size_t k = 0; k < n; ++k) {
      T next = ops.mul(whole, h[k]);
      for (std::size_t j = s; j < e; ++j) next = ops.add(next, ops.mul(L(e - 1, j + 1), ops.mul(b[j * n + k], u[j])));
      h[k] = next;
    }
  }
  return y;
}

// Native rounding: every result stored through a volatile of the type.
template <class F>
struct NativeOps {
  F add(F x, F y) {
    volatile F r = x + y;
    return r;
  }
  F mul(F x, F y) {
    volatile F r = x * y;
    return r;
  }
};

struct OracleOps {
  testing::RoundingOracle oracle;
  Rational add(const Rational& x, const Rational& y) { return oracle.add(x, y); }
  Rational mul(const Rational& x, const Rational& y) { return oracle.mul(x, y); }
};

// The model's chunked outputs (products) in `precision`, as exact rationals.
std::vector<Rational> model_chunked(const std::string& precision, const models::ScanParams<Rational>& p, const std::vector<Rational>& u,
                                    std::size_t chunk, Segsum mode = Segsum::products) {
  return arith::with_arithmetic(arith::parse_precision(precision), [&](const auto& ar) -> std::vector<Rational> {
    using A = std::decay_t<decltype(ar)>;
    if constexpr (arith::PointArithmetic<A>) {
      std::vector<typename A::value_type> uu;
      for (const Rational& x : u) uu.push_back(ar.from_rational(x));
      const auto y = models::chunked_scan(ar, models::to_arithmetic(ar, p, kSem), std::span<const typename A::value_type>(uu), chunk, mode, kSem);
      std::vector<Rational> out;
      for (const auto& v : y) out.push_back(ar.to_rational(v));
      return out;
    } else {
      throw std::logic_error("point arithmetics only");
    }
  });
}

}  // namespace

// S2's identity, by running both code paths: in exact arithmetic the chunked algorithm (products)
// equals the recurrence for every chunk size, dyadic and non-dyadic parameters, with and without D.
BOOST_AUTO_TEST_CASE(chunked_equals_recurrent_exactly) {
  Rng rng(testing::seed());
  arith::RationalArith ar;
  for (std::uint64_t it = 0; it < testing::iterations(6); ++it) {
    const bool dyadic = it % 2 == 0;
    const std::size_t N = static_cast<std::size_t>(rng.uniform(1, 40)), n = static_cast<std::size_t>(rng.uniform(1, 4));
    models::ScanParams<Rational> p = models::random_scan_params(rng, N, n, models::DecayKind::scalar, dyadic);
    if (it % 3 == 0) p.skip = Rational(3, 4);
    const std::vector<Rational> u = random_input(rng, N, dyadic);
    const auto recurrent = models::selective_scan_generic(ar, p, std::span<const Rational>(u), kSem);
    for (std::size_t q : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{8}, std::size_t{64}, N}) {
      BOOST_TEST_CONTEXT("iteration " << it << ", N = " << N << ", n = " << n << ", Q = " << q) {
        const auto chunked = models::chunked_scan(ar, p, std::span<const Rational>(u), q, Segsum::products, kSem);
        BOOST_TEST((chunked == recurrent));
      }
    }
  }
}

// The falsifiers' algorithms differ from the recurrence as soon as a second chunk exists.
BOOST_AUTO_TEST_CASE(faulty_chunked_algorithms_differ) {
  Rng rng(testing::seed() + 1);
  arith::RationalArith ar;
  const models::ScanParams<Rational> p = models::random_scan_params(rng, 12, 2, models::DecayKind::scalar, false);
  const std::vector<Rational> u = random_input(rng, 12, false);
  const auto recurrent = models::selective_scan_generic(ar, p, std::span<const Rational>(u), kSem);
  for (ChunkedFault f : {ChunkedFault::drop_inter, ChunkedFault::inter_decay_off_by_one}) {
    const auto wrong = models::chunked_scan(ar, p, std::span<const Rational>(u), 4, Segsum::products, kSem, nullptr, f);
    BOOST_TEST((wrong != recurrent));
    // Within the first chunk there is no previous state: the fault cannot show there.
    BOOST_TEST((std::vector<Rational>(wrong.begin(), wrong.begin() + 4) == std::vector<Rational>(recurrent.begin(), recurrent.begin() + 4)));
  }
}

// Bit for bit against independent loops in THEORY's order: native float and _Float16, and bf16 by
// the MPFR rounding oracle (exact operation, rounded once).
BOOST_AUTO_TEST_CASE(rounded_chunked_matches_independent_loops) {
  Rng rng(testing::seed() + 2);
  for (std::uint64_t it = 0; it < testing::iterations(4); ++it) {
    const std::size_t N = static_cast<std::size_t>(rng.uniform(5, 60)), n = static_cast<std::size_t>(rng.uniform(1, 4));
    const models::ScanParams<Rational> p = models::random_scan_params(rng, N, n, models::DecayKind::scalar, false, 7);
    const std::vector<Rational> u = random_input(rng, N, false);
    for (std::size_t q : {std::size_t{1}, std::size_t{4}, std::size_t{16}}) {
      BOOST_TEST_CONTEXT("iteration " << it << ", N = " << N << ", n = " << n << ", Q = " << q) {
        // Parameters as each format stores them (rounded once, through the library: storage is
        // not what is under test here; the algorithm is).
        auto stored = [&](const std::string& prec, const std::vector<Rational>& xs) {
          std::vector<Rational> out;
          arith::with_arithmetic(arith::parse_precision(prec), [&](const auto& ar) {
            using A = std::decay_t<decltype(ar)>;
            if constexpr (arith::PointArithmetic<A>)
              for (const Rational& x : xs) out.push_back(ar.to_rational(ar.from_rational(x)));
          });
          return out;
        };
        {
          auto as = [&](const std::vector<Rational>& xs) {
            std::vector<float> out;
            for (const Rational& x : stored("fp32", xs)) out.push_back(x.convert_to<float>());
            return out;
          };
          NativeOps<float> ops;
          const auto y = reference_chunked<float>(ops, as(p.a), as(p.b), as(p.c), as(u), n, q, 0.0f, 1.0f);
          const auto model = model_chunked("fp32", p, u, q);
          for (std::size_t i = 0; i < N; ++i) BOOST_TEST((model[i] == Rational(y[i])), "fp32 i = " << i);
        }
        {
          auto as = [&](const std::vector<Rational>& xs) {
            std::vector<_Float16> out;
            for (const Rational& x : stored("fp16", xs)) out.push_back(static_cast<_Float16>(x.convert_to<float>()));
            return out;
          };
          NativeOps<_Float16> ops;
          const auto y = reference_chunked<_Float16>(ops, as(p.a), as(p.b), as(p.c), as(u), n, q, static_cast<_Float16>(0), static_cast<_Float16>(1));
          const auto model = model_chunked("fp16", p, u, q);
          for (std::size_t i = 0; i < N; ++i) BOOST_TEST((model[i] == Rational(static_cast<float>(y[i]))), "fp16 i = " << i);
        }
        {
          OracleOps ops{testing::RoundingOracle(testing::kBf16)};
          const auto y = reference_chunked<Rational>(ops, stored("bf16", p.a), stored("bf16", p.b), stored("bf16", p.c), stored("bf16", u), n, q,
                                                     Rational(0), Rational(1));
          const auto model = model_chunked("bf16", p, u, q);
          BOOST_TEST((model == y), "bf16");
        }
      }
    }
  }
}

// cumsum mode: in intervals it encloses the exact recurrence (the decays pass through log and
// exp, which only enclosures can carry exactly); in exact arithmetic it is a usage error.
BOOST_AUTO_TEST_CASE(cumsum_encloses_the_recurrence) {
  Rng rng(testing::seed() + 3);
  const models::ScanParams<Rational> p = models::random_scan_params(rng, 20, 3, models::DecayKind::scalar, false);
  const std::vector<Rational> u = random_input(rng, 20, false);
  arith::RationalArith exact;
  const auto recurrent = models::selective_scan_generic(exact, p, std::span<const Rational>(u), kSem);
  arith::IntervalArith iv(128);
  std::vector<arith::Interval> uu;
  for (const Rational& x : u) uu.push_back(iv.from_rational(x));
  for (std::size_t q : {std::size_t{1}, std::size_t{5}, std::size_t{20}}) {
    const auto y = models::chunked_scan(iv, models::to_arithmetic(iv, p, kSem), std::span<const arith::Interval>(uu), q, Segsum::cumsum, kSem);
    for (std::size_t i = 0; i < y.size(); ++i) BOOST_TEST(iv.contains(y[i], recurrent[i]), "Q = " << q << ", i = " << i);
  }
  BOOST_CHECK_THROW(models::chunked_scan(exact, p, std::span<const Rational>(u), 4, Segsum::cumsum, kSem), UsageError);
}

// Counted costs, from the formula in chunked_scan.hpp: per chunk of length q with state n,
// q(q+1)/2 (n + 2) for the intra terms, q (n + n) for the inter terms, n (q + 1) for the state.
BOOST_AUTO_TEST_CASE(counted_costs_and_bad_input) {
  Rng rng(testing::seed() + 4);
  arith::RationalArith ar;
  const std::size_t N = 10, n = 3;
  const models::ScanParams<Rational> p = models::random_scan_params(rng, N, n, models::DecayKind::scalar, true);
  const std::vector<Rational> u = random_input(rng, N, true);
  models::Counters c;
  models::chunked_scan(ar, p, std::span<const Rational>(u), 4, Segsum::products, kSem, &c);
  std::uint64_t expected = 0;
  for (std::uint64_t q : {4u, 4u, 2u}) expected += q * (q + 1) / 2 * (n + 2) + q * 2 * n + n * (q + 1);
  BOOST_TEST(c.mul_adds == expected);
  BOOST_TEST(c.peak_state_numbers == n + 4);
  BOOST_CHECK_THROW(models::chunked_scan(ar, p, std::span<const Rational>(u), 0, Segsum::products, kSem), UsageError);
  const models::ScanParams<Rational> per_state = models::random_scan_params(rng, N, n, models::DecayKind::per_state, true);
  BOOST_CHECK_THROW(models::chunked_scan(ar, per_state, std::span<const Rational>(u), 4, Segsum::products, kSem), UsageError);
}
