#include "models/rounding_semantics.hpp"

#include <sstream>

#include "arith/errors.hpp"
#include "arith/precision.hpp"

namespace freelunch::models {

RoundingSemantics parse_rounding_semantics(const std::string& text) {
  RoundingSemantics sem;
  std::stringstream in(text);
  std::string part;
  // Each of the three choices at most once: "per-op,fused" contradicts itself, and taking the
  // last word would run something other than what was typed.
  std::string dot, order, storage;
  auto once = [&](std::string& slot, const std::string& word, const char* what) {
    if (!slot.empty())
      throw UsageError("rounding semantics '" + text + "' gives the " + what + " twice ('" + slot + "' and '" + word + "'); give each choice once");
    slot = word;
  };
  while (std::getline(in, part, ',')) {
    while (!part.empty() && part.front() == ' ') part.erase(part.begin());
    if (part == "per-op" || part == "fused") {
      once(dot, part, "dot rounding (per-op|fused)");
      sem.dot = part == "fused" ? RoundingSemantics::Dot::fused : RoundingSemantics::Dot::per_operation;
    } else if (part == "sequential" || part == "pairwise") {
      once(order, part, "accumulation order (sequential|pairwise)");
      sem.order = part == "pairwise" ? RoundingSemantics::Order::pairwise : RoundingSemantics::Order::sequential;
    } else if (part.starts_with("storage=")) {
      once(storage, part, "storage (storage=P)");
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
