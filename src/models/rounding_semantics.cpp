#include "models/rounding_semantics.hpp"

#include <sstream>

#include "arith/errors.hpp"
#include "arith/precision.hpp"

namespace freelunch::models {

RoundingSemantics parse_rounding_semantics(const std::string& text) {
  RoundingSemantics sem;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) {
    while (!part.empty() && part.front() == ' ') part.erase(part.begin());
    if (part == "per-op") sem.dot = RoundingSemantics::Dot::per_operation;
    else if (part == "fused") sem.dot = RoundingSemantics::Dot::fused;
    else if (part == "sequential") sem.order = RoundingSemantics::Order::sequential;
    else if (part == "pairwise") sem.order = RoundingSemantics::Order::pairwise;
    else if (part.starts_with("storage=")) {
      const std::string name = part.substr(8);
      if (name != "compute") sem.storage = arith::parse_precision(name);  // validates, once
    } else {
      throw UsageError("unknown rounding semantics '" + part +
                       "'; valid: per-op|fused, sequential|pairwise, storage=<precision>|compute");
    }
  }
  return sem;
}

}  // namespace freelunch::models
