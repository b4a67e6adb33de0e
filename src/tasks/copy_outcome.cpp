#include "tasks/copy_outcome.hpp"

#include "core/deviation.hpp"

namespace freelunch::tasks {

std::string CopyOutcome::describe() const {
  if (state == State::copies) return "copies, max error " + short_decimal(max_error);
  std::string where = first_failure ? " at output " + std::to_string(*first_failure + 1) : std::string();
  if (failing_value) where += " (value " + failing_value->str() + ")";
  if (state == State::undecided) return "undecided" + where + ": the enclosure straddles the limit";
  return "fails" + where + (non_finite ? ": non-finite output" : ": error " + short_decimal(max_error));
}

}  // namespace freelunch::tasks
