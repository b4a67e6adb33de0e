#pragma once
// The T2 construction (THEORY §2): softmax attention of constant dimension 3 that copies.
// Positions are 1-based in the formulas, as in THEORY (step t of the code is position t + 1):
//   key    k_j = (1, j, j^2)
//   query  q_i = β (-p^2, 2p, -1)   with p = pos(i) at an output step; q_i = 0 elsewhere
//   value  the input u_j
// so the logit is g_ij = q_i · k_j = -β (j - p)^2: an integer (β is an integer), 0 at the target
// and at most -β elsewhere. The weight outside the target is at most
//   S/(1 + S),  S = Σ_{j != p} e^(-β (j-p)^2) <= 2 Σ_{d>=1} e^(-β d) = 2 e^(-β)/(1 - e^(-β)),
// whatever L is, so for values in [-V, V] the copy error |y_i - u_p| is at most
// 2V · 2e^(-β)/(1 - e^(-β)) in exact real arithmetic. With β = 4 and V = 3 this is 0.224 < 1/2:
// decoded COPY (round(y_i) = u_p) holds with a wide margin, and what breaks it in finite precision
// is the evaluation of logits of size β L^2 (keys j^2, query entries β p^2).
//
// Evaluation of the rows uses models::softmax_attention_row on N x 3 matrices: the logits are
// computed by the arithmetic from the keys and queries (models::dot, per the rounding semantics),
// max-subtracted, exponentiated, normalized.
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "arith/rational.hpp"
#include "linalg/matrix.hpp"
#include "tasks/copy_schedule.hpp"

namespace freelunch::tasks {

class SoftmaxCopyLayer {
 public:
  // beta >= 1.
  SoftmaxCopyLayer(CopySchedule schedule, long beta);

  const CopySchedule& schedule() const { return schedule_; }
  long beta() const { return beta_; }

  // Key of step j (0-based): (1, j + 1, (j + 1)^2), unless replaced.
  std::array<Rational, 3> key(std::size_t j) const;
  // Query of output number k (index into schedule().outputs): β(-p^2, 2p, -1), p = sources[k] + 1,
  // unless replaced.
  std::array<Rational, 3> query(std::size_t k) const;
  // The query that points at 0-based step `position`: β(-p^2, 2p, -1) with p = position + 1.
  std::array<Rational, 3> query_at(std::size_t position) const;
  // The logit of output number k at step j, from the closed form of the genuine construction:
  // -β (j - pos)^2 (replacements do not change it, so the logit check sees them).
  Rational logit(std::size_t k, std::size_t j) const;

  // A perturbed construction, for falsifiers: step j's key, or output k's query, replaced. Every
  // evaluation (keys(), queries(), the copy and logit checks) reads the replacement.
  void replace_key(std::size_t j, const std::array<Rational, 3>& key);
  void replace_query(std::size_t k, const std::array<Rational, 3>& query);

  // N x 3: keys on every row; queries on output rows, zero rows elsewhere. Exact.
  linalg::Matrix<Rational> keys() const;
  linalg::Matrix<Rational> queries() const;

 private:
  CopySchedule schedule_;
  long beta_;
  std::map<std::size_t, std::array<Rational, 3>> keys_replaced_, queries_replaced_;
};

// The output rows a check evaluates (indices into schedule.outputs, ascending), and how they were
// chosen. Every row when there are at most all_up_to outputs; otherwise a fixed sample: the first
// 8 and last 8 outputs, the 8 with the largest source positions (the hardest: near the target the
// logit products β p^2 and 2β p j are largest there), and 16 evenly spaced ones.
struct RowSample {
  std::vector<std::size_t> outputs;
  std::size_t total = 0;
  bool all() const { return outputs.size() == total; }
  // "all 1023 rows" or "sampled (30 of 2047 rows: first 8, last 8, 8 with the largest pos(i), 16 evenly spaced)".
  std::string describe() const;
};

RowSample sample_rows(const CopySchedule& schedule, std::size_t all_up_to);

// The same rows, hardest first (largest source position, then latest output): the order in which
// a search that stops at the first failure finds failures soonest.
std::vector<std::size_t> hardest_first(const CopySchedule& schedule, const std::vector<std::size_t>& outputs);

// Inputs of one instance: an integer in [-bound, bound] at each input position, uniform from
// Rng(seed); 0 at the other steps (the output steps of full copy and reverse).
std::vector<long> random_integer_inputs(const CopySchedule& schedule, long bound, std::uint64_t seed);

}  // namespace freelunch::tasks
