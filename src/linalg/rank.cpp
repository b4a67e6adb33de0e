#include "linalg/rank.hpp"

#include <utility>

#include "core/cancel.hpp"
#include "linalg/flint_matrix.hpp"

namespace freelunch::linalg {
namespace {

using detail::FmpqMat;
using detail::FmpzMat;

// Rows scaled by their denominators' lcm: an integer matrix of the same rank.
void to_integer_rows(const Matrix<Rational>& m, FmpzMat& out) {
  const long r = static_cast<long>(m.rows()), c = static_cast<long>(m.cols());
  FmpqMat q(r, c);
  for (long i = 0; i < r; ++i)
    for (long j = 0; j < c; ++j) fmpq_set_mpq(fmpq_mat_entry(q.get(), i, j), m(i, j).backend().data());
  fmpq_mat_get_fmpz_mat_rowwise(out.get(), nullptr, q.get());
}

}  // namespace

long rank_flint(const Matrix<Rational>& m) {
  if (m.rows() == 0 || m.cols() == 0) return 0;
  detail::release_flint_caches_at_thread_exit();
  FmpzMat z(static_cast<long>(m.rows()), static_cast<long>(m.cols()));
  to_integer_rows(m, z);
  return fmpz_mat_rank(z.get());
}

long rank_fraction_free(const Matrix<Rational>& m) {
  if (m.rows() == 0 || m.cols() == 0) return 0;
  const std::size_t rows = m.rows(), cols = m.cols();
  // Integer rows: multiply each row by its denominators' lcm.
  std::vector<std::vector<Integer>> a(rows, std::vector<Integer>(cols));
  for (std::size_t i = 0; i < rows; ++i) {
    Integer l = 1;
    for (std::size_t j = 0; j < cols; ++j) l = boost::multiprecision::lcm(l, boost::multiprecision::denominator(m(i, j)));
    for (std::size_t j = 0; j < cols; ++j) a[i][j] = boost::multiprecision::numerator(m(i, j)) * (l / boost::multiprecision::denominator(m(i, j)));
  }
  // Bareiss: after step k every entry below is divisible by the previous pivot.
  Integer previous = 1;
  std::size_t rank = 0;
  for (std::size_t col = 0; col < cols && rank < rows; ++col) {
    std::size_t pivot = rank;
    while (pivot < rows && a[pivot][col] == 0) ++pivot;
    if (pivot == rows) continue;
    std::swap(a[pivot], a[rank]);
    for (std::size_t i = rank + 1; i < rows; ++i) {
      for (std::size_t j = col + 1; j < cols; ++j)
        a[i][j] = (a[rank][col] * a[i][j] - a[i][col] * a[rank][j]) / previous;
      a[i][col] = 0;
    }
    previous = a[rank][col];
    ++rank;
  }
  return static_cast<long>(rank);
}

std::vector<long> semiseparable_rank_profile(const Matrix<Rational>& m, const std::function<void(std::size_t)>& on_block) {
  std::vector<long> profile;
  const std::size_t n = m.rows();
  for (std::size_t r = 1; r < n; ++r) {
    throw_if_cancelled();
    profile.push_back(rank(m.block(r, n, 0, r)));
    if (on_block) on_block(r);
  }
  return profile;
}

}  // namespace freelunch::linalg
