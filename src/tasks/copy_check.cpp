#include "tasks/copy_check.hpp"

namespace freelunch::tasks {
namespace {

Rational deviation_from_target(const linalg::Matrix<Rational>& m, const CopySchedule& s, std::size_t k, std::size_t j) {
  const Rational target = j == s.sources[k] ? Rational(1) : Rational(0);
  return m(s.outputs[k], j) - target;
}

}  // namespace

RowCopyError row_copy_error(const linalg::Matrix<Rational>& m, const CopySchedule& s, const Rational& eps) {
  RowCopyError out;
  for (std::size_t k = 0; k < s.outputs.size(); ++k) {
    Rational row = 0;
    for (std::size_t j = 0; j < s.length; ++j) {
      if (!s.input_positions[j]) continue;
      const Rational d = deviation_from_target(m, s, k, j);
      row += d < 0 ? Rational(-d) : d;
    }
    if (row > out.max_row_error) {
      out.max_row_error = row;
      out.worst_output = k;
    }
    if (row > eps && !out.first_over) out.first_over = k;
  }
  return out;
}

Rational mean_squared_copy_error(const linalg::Matrix<Rational>& m, const CopySchedule& s) {
  Rational total = 0;
  for (std::size_t k = 0; k < s.outputs.size(); ++k)
    for (std::size_t j = 0; j < s.length; ++j) {
      if (!s.input_positions[j]) continue;
      const Rational d = deviation_from_target(m, s, k, j);
      total += d * d;
    }
  return s.outputs.empty() ? Rational(0) : Rational(total / Rational(static_cast<long>(s.outputs.size())));
}

}  // namespace freelunch::tasks
