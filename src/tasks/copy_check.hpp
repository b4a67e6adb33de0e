#pragma once
// Deciding ε-COPY for position-only layers from the sequence matrix (THEORY §2): y = M u is linear
// in u, so over inputs in [-B, B] at the schedule's input positions the worst error of output i is
//   B · Σ_{j input} |M_ij - [j = pos(i)]|,
// attained at a sign pattern. With exact M this decides COPY for all inputs at once (exact).
#include <optional>
#include <string>

#include "arith/rational.hpp"
#include "linalg/matrix.hpp"
#include "tasks/copy_schedule.hpp"

namespace freelunch::tasks {

struct RowCopyError {
  Rational max_row_error = 0;             // max over outputs of Σ_j |M_ij - [j = pos(i)]|
  std::size_t worst_output = 0;           // index into schedule.outputs
  std::optional<std::size_t> first_over;  // first output whose row error exceeds ε
};

// m: the full N x N exact sequence matrix. eps >= 0.
RowCopyError row_copy_error(const linalg::Matrix<Rational>& m, const CopySchedule& schedule, const Rational& eps);

// The mean over outputs of the expected squared copy error for independent uniform ±1 inputs:
// (1/|O|) Σ_i Σ_{j input} (M_ij - [j = pos(i)])^2 — exact (E[u_j u_k] = [j = k]).
Rational mean_squared_copy_error(const linalg::Matrix<Rational>& m, const CopySchedule& schedule);

}  // namespace freelunch::tasks
