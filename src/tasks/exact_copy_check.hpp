#pragma once
// Whether a layer performs exact COPY on a schedule, decided by running the exact model: the
// selective scan that every arithmetic evaluates (models::selective_scan) or its sequence matrix
// (models::sequence_matrix_block), never a construction's own description of what the entries
// should be. The layer is given as the ScanParams the scan evaluates, so any layer (a
// construction, a perturbed one, a file) is judged by the same code.
//
// Exact COPY (THEORY §2): y_i = u_pos(i) at every output step i, for every input that is zero off
// the schedule's input positions. y is linear in u, so this holds iff every output row of M,
// restricted to the input positions, is the unit row e_pos(i). Two ways to decide it:
//  - matrix: form those rows of M exactly and compare (O(N^2 n): small layers);
//  - freivalds: run the exact scan on `trials` inputs with independent entries uniform in
//    {0, ..., 2^32 - 1} and compare y_i with u_pos(i). If some row differs from e_pos(i), the
//    difference is a nonzero linear form in u, which vanishes with probability at most 2^-32 for
//    one input (Schwartz-Zippel), so a wrong "holds" has probability at most 2^(-32 trials).
//    A "fails" is certain: the input is a witness.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "arith/rational.hpp"
#include "models/rounding_semantics.hpp"
#include "models/scan_params.hpp"
#include "models/sparse_scan.hpp"
#include "tasks/copy_schedule.hpp"

namespace freelunch::tasks {

enum class ExactCopyMethod { matrix, freivalds };

struct ExactCopyJudgement {
  ExactCopyMethod method = ExactCopyMethod::matrix;
  bool holds = false;
  std::optional<std::size_t> first_failure;  // index into schedule.outputs of the first wrong row
  std::string path;                          // exact path taken: "dyadic" or "rational"
  unsigned trials = 0;                       // freivalds: random inputs run
  long log2_error_probability = 0;           // freivalds: a wrong "holds" has probability <= 2^this

  // "holds (matrix: every output row of M is e_pos(i))", "holds (Freivalds, 2 inputs, P(wrong) <= 2^-64)",
  // "fails at output 17 (step 33): row of M is not e_pos(i)".
  std::string describe(const CopySchedule& schedule) const;
};

// Decides exact COPY of the layer `params` on `schedule` (params.length == schedule.length): by the
// matrix when N <= matrix_up_to, else Freivalds with `trials` inputs drawn from `seed`.
ExactCopyJudgement judge_exact_copy(const models::ScanParams<Rational>& params, const CopySchedule& schedule, std::size_t matrix_up_to,
                                    unsigned trials, std::uint64_t seed, const models::RoundingSemantics& sem);

// Freivalds on a scalar-decay layer given by its nonzero entries (models/sparse_scan.hpp): the
// same random inputs and comparison, the exact scan run in O(N + nonzeros) instead of O(N n), so
// layers whose dense form does not fit in memory (T3 at L = 16384) are judged by running them.
ExactCopyJudgement judge_exact_copy_freivalds(const models::SparseScalarScan& params, const CopySchedule& schedule, unsigned trials,
                                              std::uint64_t seed, const models::RoundingSemantics& sem);

// The variants, for tests and for callers that need one method.
ExactCopyJudgement judge_exact_copy_matrix(const models::ScanParams<Rational>& params, const CopySchedule& schedule,
                                           const models::RoundingSemantics& sem);
ExactCopyJudgement judge_exact_copy_freivalds(const models::ScanParams<Rational>& params, const CopySchedule& schedule, unsigned trials,
                                              std::uint64_t seed, const models::RoundingSemantics& sem);

}  // namespace freelunch::tasks
