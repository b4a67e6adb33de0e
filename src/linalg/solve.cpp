#include "linalg/solve.hpp"

#include "arith/errors.hpp"
#include "linalg/flint_matrix.hpp"

namespace freelunch::linalg {

std::optional<std::vector<Rational>> solve(const Matrix<Rational>& a, const std::vector<Rational>& b) {
  if (a.rows() != a.cols() || a.rows() != b.size() || a.rows() == 0)
    throw UsageError("solve needs a nonempty square matrix and a right-hand side of the same size");
  detail::release_flint_caches_at_thread_exit();
  const long n = static_cast<long>(a.rows());
  detail::FmpqMat fa(n, n), fb(n, 1), fx(n, 1);
  for (long i = 0; i < n; ++i) {
    for (long j = 0; j < n; ++j) fmpq_set_mpq(fmpq_mat_entry(fa.get(), i, j), a(i, j).backend().data());
    fmpq_set_mpq(fmpq_mat_entry(fb.get(), i, 0), b[static_cast<std::size_t>(i)].backend().data());
  }
  if (!fmpq_mat_solve(fx.get(), fa.get(), fb.get())) return std::nullopt;
  std::vector<Rational> x(static_cast<std::size_t>(n));
  for (long i = 0; i < n; ++i) fmpq_get_mpq(x[static_cast<std::size_t>(i)].backend().data(), fmpq_mat_entry(fx.get(), i, 0));
  return x;
}

}  // namespace freelunch::linalg
