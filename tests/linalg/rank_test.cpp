#define BOOST_TEST_MODULE rank
#include "support/test_support.hpp"

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "arith/exact.hpp"
#include "core/random.hpp"
#include "linalg/rank.hpp"
#include "models/random_params.hpp"
#include "models/sequence_matrix.hpp"

using namespace freelunch;
using linalg::Matrix;

namespace {

std::string show(const Matrix<Rational>& m) {
  std::ostringstream out;
  out << m.rows() << "x" << m.cols() << " [";
  for (std::size_t i = 0; i < m.rows(); ++i) {
    out << (i ? "; " : "");
    for (std::size_t j = 0; j < m.cols(); ++j) out << (j ? " " : "") << to_string(m(i, j));
  }
  return out.str() + "]";
}

std::string show(const std::vector<long>& v) {
  std::ostringstream out;
  out << "[";
  for (std::size_t i = 0; i < v.size(); ++i) out << (i ? " " : "") << v[i];
  return out.str() + "]";
}

Matrix<Rational> multiply(const Matrix<Rational>& a, const Matrix<Rational>& b) {
  Matrix<Rational> c(a.rows(), b.cols(), Rational(0));
  for (std::size_t i = 0; i < a.rows(); ++i)
    for (std::size_t j = 0; j < b.cols(); ++j)
      for (std::size_t l = 0; l < a.cols(); ++l) c(i, j) += a(i, l) * b(l, j);
  return c;
}

Matrix<Rational> transpose(const Matrix<Rational>& a) {
  Matrix<Rational> t(a.cols(), a.rows(), Rational(0));
  for (std::size_t i = 0; i < a.rows(); ++i)
    for (std::size_t j = 0; j < a.cols(); ++j) t(j, i) = a(i, j);
  return t;
}

// A random permutation of 0..n-1 (Fisher-Yates with our own range mapping).
std::vector<std::size_t> permutation(Rng& rng, std::size_t n) {
  std::vector<std::size_t> p(n);
  for (std::size_t i = 0; i < n; ++i) p[i] = i;
  for (std::size_t i = n; i > 1; --i) std::swap(p[i - 1], p[static_cast<std::size_t>(rng.uniform(0, static_cast<std::int64_t>(i) - 1))]);
  return p;
}

// An m x k matrix of rank exactly r: L (m x r, an invertible diagonal r x r block on top) times
// R (r x k, an invertible diagonal block on the left) has rank r by Sylvester's inequality. Then
// scrambled by rank-preserving operations: rows and columns permuted, random multiples of one
// row (column) added to another, rows and columns scaled by nonzero rationals.
Matrix<Rational> random_of_rank(Rng& rng, std::size_t m, std::size_t k, std::size_t r) {
  Matrix<Rational> left(m, r, Rational(0)), right(r, k, Rational(0));
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < r; ++j) left(i, j) = i < r ? (i == j ? rng.nonzero_rational(3, 4) : Rational(0)) : rng.rational(3, 4);
  for (std::size_t i = 0; i < r; ++i)
    for (std::size_t j = 0; j < k; ++j) right(i, j) = j < r ? (i == j ? rng.nonzero_rational(3, 4) : Rational(0)) : rng.rational(3, 4);
  const Matrix<Rational> product = multiply(left, right);

  const std::vector<std::size_t> rows = permutation(rng, m), cols = permutation(rng, k);
  Matrix<Rational> s(m, k, Rational(0));
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < k; ++j) s(i, j) = product(rows[i], cols[j]);
  for (int op = 0; op < 4 && m >= 2; ++op) {
    const auto i = static_cast<std::size_t>(rng.uniform(0, static_cast<std::int64_t>(m) - 1));
    const auto j = static_cast<std::size_t>(rng.uniform(0, static_cast<std::int64_t>(m) - 1));
    const Rational f = rng.rational(2, 3);
    if (i != j)
      for (std::size_t c = 0; c < k; ++c) s(i, c) += f * s(j, c);
  }
  for (int op = 0; op < 4 && k >= 2; ++op) {
    const auto i = static_cast<std::size_t>(rng.uniform(0, static_cast<std::int64_t>(k) - 1));
    const auto j = static_cast<std::size_t>(rng.uniform(0, static_cast<std::int64_t>(k) - 1));
    const Rational f = rng.rational(2, 3);
    if (i != j)
      for (std::size_t c = 0; c < m; ++c) s(c, i) += f * s(c, j);
  }
  for (std::size_t i = 0; i < m; ++i) {
    const Rational f = rng.nonzero_rational(5, 7);
    for (std::size_t j = 0; j < k; ++j) s(i, j) *= f;
  }
  for (std::size_t j = 0; j < k; ++j) {
    const Rational f = rng.nonzero_rational(5, 7);
    for (std::size_t i = 0; i < m; ++i) s(i, j) *= f;
  }
  return s;
}

void check_rank(const Matrix<Rational>& m, long expected) {
  BOOST_TEST_CONTEXT("matrix " << show(m)) {
    BOOST_TEST(linalg::rank_flint(m) == expected);
    BOOST_TEST(linalg::rank_fraction_free(m) == expected);
    BOOST_TEST(linalg::rank(m) == expected);
    // The rank of the transpose is the same (row rank = column rank): eliminations run on
    // different integer matrices.
    const Matrix<Rational> t = transpose(m);
    BOOST_TEST(linalg::rank_flint(t) == expected);
    BOOST_TEST(linalg::rank_fraction_free(t) == expected);
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(prescribed_rank_in_every_shape) {
  Rng rng(testing::seed());
  // (rows, cols): empty, 1 x 1, square, tall, wide.
  const std::vector<std::pair<std::size_t, std::size_t>> shapes = {{0, 0}, {0, 4}, {4, 0}, {1, 1}, {1, 5}, {5, 1}, {3, 3},
                                                                   {6, 6}, {9, 3}, {3, 9}, {8, 5}, {5, 8}, {10, 10}};
  const std::uint64_t rounds = std::max<std::uint64_t>(testing::iterations(6), 1);
  for (std::uint64_t round = 0; round < rounds; ++round)
    for (const auto& [m, k] : shapes)
      for (std::size_t r = 0; r <= std::min(m, k); ++r) {
        BOOST_TEST_CONTEXT("seed " << testing::seed() << ", round " << round << ", shape " << m << "x" << k << ", rank " << r) {
          check_rank(random_of_rank(rng, m, k, r), static_cast<long>(r));
        }
      }
}

BOOST_AUTO_TEST_CASE(unconstrained_random_matrices_agree_and_respect_the_bound) {
  Rng rng(testing::seed() + 1);
  const std::uint64_t count = std::max<std::uint64_t>(testing::iterations(1000), 200);
  std::uint64_t deficient = 0;
  for (std::uint64_t it = 0; it < count; ++it) {
    const auto m = static_cast<std::size_t>(rng.uniform(0, 7)), k = static_cast<std::size_t>(rng.uniform(0, 7));
    Matrix<Rational> a(m, k, Rational(0));
    // Two thirds of the entries zero, the others in {-1, -1/2, 1/2, 1}: rank deficiency is
    // frequent, so both code paths of the elimination (pivot found, column skipped) are exercised.
    for (std::size_t i = 0; i < m; ++i)
      for (std::size_t j = 0; j < k; ++j) a(i, j) = rng.uniform(0, 2) != 0 ? Rational(0) : Rational(rng.coin() ? 1 : -1, rng.uniform(1, 2));
    BOOST_TEST_CONTEXT("seed " << testing::seed() << ", iteration " << it << ", matrix " << show(a)) {
      const long flint = linalg::rank_flint(a), bareiss = linalg::rank_fraction_free(a);
      BOOST_TEST(flint == bareiss);
      BOOST_TEST(flint >= 0);
      BOOST_TEST(flint <= static_cast<long>(std::min(m, k)));
      if (flint < static_cast<long>(std::min(m, k))) ++deficient;
    }
  }
  // Decisive cases: enough rank-deficient matrices that the comparison says something (about a
  // third are; a tenth is far below any seed's count).
  BOOST_TEST(deficient >= count / 10);
  BOOST_TEST_MESSAGE(deficient << " of " << count << " random matrices are rank deficient");
}

BOOST_AUTO_TEST_CASE(hand_computed_ranks) {
  // Row 2 is 6 times row 1: scaling rows to integers must not change the rank.
  Matrix<Rational> a(2, 2, Rational(0));
  a(0, 0) = Rational(1, 3);
  a(0, 1) = Rational(1, 6);
  a(1, 0) = Rational(2);
  a(1, 1) = Rational(1);
  check_rank(a, 1);
  // Huge denominators: 2^-80 and 3^-50 scale.
  Matrix<Rational> b(2, 3, Rational(0));
  b(0, 0) = pow2(-80);
  b(0, 2) = pow(Rational(1, 3), 50);
  b(1, 1) = Rational(7, 9);
  check_rank(b, 2);
  // 1 x 1 zero and nonzero.
  check_rank(Matrix<Rational>(1, 1, Rational(0)), 0);
  check_rank(Matrix<Rational>(1, 1, Rational(-5, 7)), 1);
  // A zero column between pivots (the column-skip path of the elimination).
  Matrix<Rational> c(3, 3, Rational(0));
  c(0, 0) = 1;
  c(1, 0) = 2;
  c(0, 2) = 1;
  c(1, 2) = 3;
  c(2, 2) = 4;
  check_rank(c, 2);
}

BOOST_AUTO_TEST_CASE(semiseparable_profile_of_hand_computed_matrices) {
  // Lower-triangular all-ones: every off-diagonal block is all ones, rank 1.
  for (std::size_t n : {2u, 3u, 7u}) {
    Matrix<Rational> ones(n, n, Rational(0));
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j <= i; ++j) ones(i, j) = 1;
    const std::vector<long> profile = linalg::semiseparable_rank_profile(ones);
    BOOST_TEST_CONTEXT("N = " << n << ", profile " << show(profile)) {
      BOOST_TEST(profile == std::vector<long>(n - 1, 1), boost::test_tools::per_element());
    }
  }
  // The identity: every block below the diagonal is zero.
  Matrix<Rational> identity(5, 5, Rational(0));
  for (std::size_t i = 0; i < 5; ++i) identity(i, i) = 1;
  BOOST_TEST(linalg::semiseparable_rank_profile(identity) == std::vector<long>(4, 0), boost::test_tools::per_element());
  // [[1 0 0 0], [0 1 0 0], [1 0 1 0], [0 1 0 1]]: blocks [0 1 0]^T, [[1 0], [0 1]], [0 1 0],
  // ranks 1, 2, 1.
  Matrix<Rational> m(4, 4, Rational(0));
  for (std::size_t i = 0; i < 4; ++i) m(i, i) = 1;
  m(2, 0) = 1;
  m(3, 1) = 1;
  BOOST_TEST(linalg::semiseparable_rank_profile(m) == (std::vector<long>{1, 2, 1}), boost::test_tools::per_element());
  // N = 1 and N = 0 have no split.
  BOOST_TEST(linalg::semiseparable_rank_profile(Matrix<Rational>(1, 1, Rational(3))).empty());
  BOOST_TEST(linalg::semiseparable_rank_profile(Matrix<Rational>(0, 0, Rational(0))).empty());
}

BOOST_AUTO_TEST_CASE(sequence_matrix_of_a_scan_is_n_semiseparable) {
  Rng rng(testing::seed() + 2);
  const arith::RationalArith ar;
  const std::uint64_t count = std::max<std::uint64_t>(testing::iterations(12), 6);
  std::uint64_t splits = 0, generic = 0;
  for (std::uint64_t it = 0; it < count; ++it) {
    const auto length = static_cast<std::size_t>(rng.uniform(2, 12)), state = static_cast<std::size_t>(rng.uniform(1, 4));
    const auto kind = rng.coin() ? models::DecayKind::scalar : models::DecayKind::per_state;
    const auto p = models::random_scan_params(rng, length, state, kind, false);
    const Matrix<Rational> m = models::sequence_matrix(ar, p, models::RoundingSemantics{});
    const std::vector<long> profile = linalg::semiseparable_rank_profile(m);
    BOOST_TEST_CONTEXT("seed " << testing::seed() << ", iteration " << it << ", N = " << length << ", n = " << state << ", "
                               << (kind == models::DecayKind::scalar ? "scalar" : "per-state") << ", M = " << show(m)
                               << ", profile " << show(profile)) {
      BOOST_TEST_REQUIRE(profile.size() == length - 1);
      for (std::size_t r = 1; r < length; ++r) {
        // The block factors through the n-dimensional state, and has r columns, N - r rows.
        const long bound = static_cast<long>(std::min({state, r, length - r}));
        BOOST_TEST(profile[r - 1] <= static_cast<long>(state));
        BOOST_TEST(profile[r - 1] <= bound);
        BOOST_TEST(profile[r - 1] == linalg::rank_fraction_free(m.block(r, length, 0, r)));
        ++splits;
        if (profile[r - 1] == bound) ++generic;
      }
    }
  }
  // Generic parameters reach the bound almost always; if they never did, "<= n" would be vacuous
  // (e.g. a profile of zeros from a broken matrix).
  BOOST_TEST(generic * 10 >= splits * 9);
}
