#define BOOST_TEST_MODULE exact_copy_check
#include "support/test_support.hpp"

#include <algorithm>

#include "core/random.hpp"
#include "tasks/exact_copy_check.hpp"
#include "tasks/slot_copy.hpp"

using namespace freelunch;
using namespace freelunch::tasks;

namespace {

const models::RoundingSemantics kSem;

// A layer of prescribed copy behaviour: T3's slot layer, then `k` random entries of its query
// rows changed (k = 0 leaves it a copy layer).
models::ScanParams<Rational> broken_layer(const CopySchedule& s, const Rational& a, std::size_t changes, Rng& rng) {
  models::ScanParams<Rational> p = SlotCopyLayer(s, a, Compensation::balanced).dense();
  for (std::size_t i = 0; i < changes; ++i) {
    const std::size_t k = static_cast<std::size_t>(rng.uniform(0, static_cast<std::int64_t>(s.outputs.size()) - 1));
    const std::size_t slot = static_cast<std::size_t>(rng.uniform(0, static_cast<std::int64_t>(p.state) - 1));
    p.c[s.outputs[k] * p.state + slot] += rng.nonzero_rational(2, 3);
  }
  return p;
}

}  // namespace

// Both methods agree with each other on copy layers and on broken ones, and name the same first
// wrong output when the matrix names one (Freivalds' first failing output is the first wrong row
// with probability 1 - 2^-32 per trial: the checks can fail, and fail where the matrix says).
BOOST_AUTO_TEST_CASE(matrix_and_freivalds_agree) {
  Rng rng(testing::seed());
  // At least 3 iterations, so that the sanitizer build's reduced multiplier still sees a copy
  // layer, a layer with one change (always broken: one query entry moves one row of M off
  // e_pos(i)) and one with two.
  const std::size_t iterations = std::max<std::size_t>(3, testing::iterations(40));
  for (std::size_t iter = 0; iter < iterations; ++iter) {
    const std::size_t length = static_cast<std::size_t>(rng.uniform(1, 12));
    const CopySchedule s = iter % 4 == 0 ? reverse_schedule(length) : full_copy_schedule(length);
    const Rational a = iter % 2 ? Rational(1, 2) : Rational(9, 10);
    const std::size_t changes = iter % 3;
    const auto p = broken_layer(s, a, changes, rng);
    BOOST_TEST_CONTEXT("iteration " << iter << " " << s.name << " a=" << a << " changes=" << changes) {
      const auto m = judge_exact_copy_matrix(p, s, kSem);
      const auto f = judge_exact_copy_freivalds(p, s, 2, testing::seed() + iter, kSem);
      if (changes == 0) BOOST_TEST(m.holds);
      if (changes == 1) BOOST_TEST(!m.holds);
      BOOST_TEST(m.holds == f.holds);
      BOOST_TEST((m.first_failure == f.first_failure));
      BOOST_TEST(f.log2_error_probability == -64);
    }
  }
}

// The input positions matter: an entry of M in a column where the schedule's input is zero (the
// output steps of full copy) does not break COPY; the same entry in an input column does.
BOOST_AUTO_TEST_CASE(columns_without_input_are_ignored) {
  const CopySchedule s = full_copy_schedule(3);
  models::ScanParams<Rational> p = SlotCopyLayer(s, Rational(1, 2), Compensation::query).dense();
  // A key at step 4 (1-based; an output step, input zero there) writing into slot 0 changes only
  // entries of column 4 of M.
  p.b[3 * p.state + 0] = 5;
  BOOST_TEST(judge_exact_copy_matrix(p, s, kSem).holds);
  BOOST_TEST(judge_exact_copy_freivalds(p, s, 1, 7, kSem).holds);
  p.b[1 * p.state + 0] = 1;  // step 2 (an input) also writes into slot 0, which output 1 reads
  BOOST_TEST(judge_exact_copy_matrix(p, s, kSem).first_failure.value_or(99) == 0u);
  BOOST_TEST(judge_exact_copy_freivalds(p, s, 1, 7, kSem).first_failure.value_or(99) == 0u);
}

// The dispatcher uses the matrix up to the size given and Freivalds above; the exact path is
// dyadic for a = 1/2 and rational for a = 9/10; a length mismatch is a usage error.
BOOST_AUTO_TEST_CASE(dispatch_and_paths) {
  const CopySchedule s = full_copy_schedule(40);
  const auto half = SlotCopyLayer(s, Rational(1, 2), Compensation::balanced).dense();
  BOOST_TEST((judge_exact_copy(half, s, 80, 2, 1, kSem).method == ExactCopyMethod::matrix));
  const auto big = judge_exact_copy(half, s, 79, 2, 1, kSem);
  BOOST_TEST((big.method == ExactCopyMethod::freivalds));
  BOOST_TEST(big.holds);
  BOOST_TEST(big.path == "dyadic");
  BOOST_TEST(judge_exact_copy(SlotCopyLayer(s, Rational(9, 10), Compensation::query).dense(), s, 0, 1, 1, kSem).path == "rational");
  BOOST_CHECK_THROW(judge_exact_copy(half, full_copy_schedule(39), 80, 1, 1, kSem), UsageError);
  BOOST_CHECK_THROW(judge_exact_copy_freivalds(half, s, 0, 1, kSem), UsageError);
}
