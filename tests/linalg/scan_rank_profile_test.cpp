#define BOOST_TEST_MODULE scan_rank_profile
#include "support/test_support.hpp"

#include <string>
#include <vector>

#include "core/random.hpp"
#include "linalg/rank.hpp"
#include "linalg/scan_rank_profile.hpp"

using namespace freelunch;
using linalg::Matrix;
using models::ScanParams;

namespace {

// The oracle: the dense sequence matrix from its definition, M(i, j) = Σ_s c_i[s] Π_{k=j+1..i}
// a_k[s] b_j[s] for j <= i, and the dense exact profile of linalg::semiseparable_rank_profile.
std::vector<long> dense_profile(const ScanParams<Rational>& p) {
  Matrix<Rational> m(p.length, p.length, Rational(0));
  for (std::size_t j = 0; j < p.length; ++j)
    for (std::size_t s = 0; s < p.state; ++s) {
      Rational h = p.key(j, s);
      for (std::size_t i = j; i < p.length; ++i) {
        if (i > j) h *= p.decay(i, s);
        m(i, j) += p.query(i, s) * h;
      }
    }
  return linalg::semiseparable_rank_profile(m);
}

enum class Shape { generic, scalar_decay, repeated_states, zero_decays, sparse, low_rank_queries };

ScanParams<Rational> random_scan(Rng& rng, std::size_t length, std::size_t n, Shape shape) {
  const bool scalar = shape == Shape::scalar_decay || shape == Shape::low_rank_queries;
  ScanParams<Rational> p{length, n, scalar ? models::DecayKind::scalar : models::DecayKind::per_state, {}, {}, {}, std::nullopt};
  const std::size_t decays = scalar ? length : length * n;
  for (std::size_t k = 0; k < decays; ++k) p.a.push_back(shape == Shape::zero_decays && rng.uniform(0, 5) == 0 ? Rational(0) : rng.decay(9));
  for (std::size_t k = 0; k < length * n; ++k) {
    p.b.push_back(shape == Shape::sparse && rng.uniform(0, 2) == 0 ? Rational(0) : rng.rational(3, 4));
    p.c.push_back(shape == Shape::sparse && rng.uniform(0, 2) == 0 ? Rational(0) : rng.rational(3, 4));
  }
  if (shape == Shape::repeated_states && n > 1) {  // state 1 a copy of state 0: decays and keys, so rank <= n - 1
    for (std::size_t t = 0; t < length; ++t) {
      p.a[t * n + 1] = p.a[t * n];
      p.b[t * n + 1] = p.b[t * n] * 2;
    }
  }
  if (shape == Shape::low_rank_queries && n > 1)  // every query in the span of e_0 + e_1 and e_2..: rank <= n - 1
    for (std::size_t t = 0; t < length; ++t) p.c[t * n + 1] = p.c[t * n];
  return p;
}

}  // namespace

// On random layers up to N = 64 of every shape: the bounds enclose the dense exact profile, and
// the lower bound equals it (p is 62 bits: a miss would be a defect or a 2^-50 event).
BOOST_AUTO_TEST_CASE(bounds_enclose_the_dense_profile) {
  Rng rng(20261206);
  std::size_t certified = 0, total = 0;
  for (const Shape shape : {Shape::generic, Shape::scalar_decay, Shape::repeated_states, Shape::zero_decays, Shape::sparse, Shape::low_rank_queries})
    for (const std::size_t length : {2, 3, 7, 16, 33, 64})
      for (const std::size_t n : {1, 2, 3, 5}) {
        if (length == 64 && n > 3) continue;  // the oracle is O(N^4)
        const ScanParams<Rational> p = random_scan(rng, length, n, shape);
        const std::vector<long> dense = dense_profile(p);
        const linalg::ScanRankBounds b = linalg::scan_rank_bounds(p, 7);
        BOOST_TEST_CONTEXT("shape " << static_cast<int>(shape) << ", N = " << length << ", n = " << n) {
          BOOST_TEST(b.lower == dense, boost::test_tools::per_element());
          BOOST_TEST(b.lower.size() == length - 1);
          for (std::size_t r = 0; r + 1 < length; ++r) {
            BOOST_TEST(b.upper[r] >= dense[r]);
            BOOST_TEST(b.upper[r] <= static_cast<long>(std::min({n, r + 1, length - r - 1})));
          }
        }
        certified += b.certified() ? 1 : 0;
        ++total;
        if (shape == Shape::generic || shape == Shape::scalar_decay || shape == Shape::repeated_states) BOOST_TEST(b.certified());
      }
  BOOST_TEST_MESSAGE(certified << " of " << total << " profiles certified exact");
}

// Known profiles: n identical one-state copies have rank 1 everywhere; a state whose queries are
// all 0 contributes nothing; the upper bound sees both from the parameters alone.
BOOST_AUTO_TEST_CASE(structure_is_seen_by_the_upper_bound) {
  const std::size_t length = 20, n = 4;
  ScanParams<Rational> p{length, n, models::DecayKind::per_state, std::vector<Rational>(length * n, Rational(1, 2)),
                         std::vector<Rational>(length * n, Rational(1)), std::vector<Rational>(length * n, Rational(3)), std::nullopt};
  linalg::ScanRankBounds b = linalg::scan_rank_bounds(p);
  BOOST_TEST(b.groups == 1u);
  BOOST_TEST(b.certified());
  BOOST_TEST(b.upper == std::vector<long>(length - 1, 1), boost::test_tools::per_element());
  for (std::size_t t = 0; t < length; ++t) {
    p.a[t * n + 3] = Rational(1, 3);  // a second group, one state
    p.c[t * n + 3] = 0;               // that never reaches the output
  }
  b = linalg::scan_rank_bounds(p);
  BOOST_TEST(b.groups == 2u);
  BOOST_TEST(b.upper == std::vector<long>(length - 1, 1), boost::test_tools::per_element());
  BOOST_TEST(b.lower == b.upper, boost::test_tools::per_element());
}

// The lower bound does not depend on the projection's seed where it is certified, and the
// output is the same on every run for one seed.
BOOST_AUTO_TEST_CASE(seed_changes_nothing_certified) {
  Rng rng(5);
  const ScanParams<Rational> p = random_scan(rng, 40, 4, Shape::generic);
  const linalg::ScanRankBounds one = linalg::scan_rank_bounds(p, 1), two = linalg::scan_rank_bounds(p, 2), again = linalg::scan_rank_bounds(p, 1);
  BOOST_TEST(one.certified());
  BOOST_TEST(one.lower == two.lower, boost::test_tools::per_element());
  BOOST_TEST(one.prime == again.prime);
}
