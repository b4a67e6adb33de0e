#include "tasks/automaton_certificate.hpp"

namespace freelunch::tasks {

std::string AutomatonResult::describe(std::size_t modulus) const {
  const std::string counted = std::to_string(reachable_states) + " reachable states, " + std::to_string(pairs) + " (state, class) pairs";
  if (witness) {
    std::string input;
    for (std::size_t x : *witness) input += std::to_string(x);
    if (input.size() > 40) input = input.substr(0, 20) + "..." + input.substr(input.size() - 20);
    const std::string read = witness_read ? std::to_string(*witness_read) : std::string("no class (a tie or non-finite)");
    return "fails at T = " + std::to_string(witness->size()) + ": input " + input + " reads " + read + ", count mod " +
           std::to_string(modulus) + " = " + std::to_string(witness_expected) + " (every shorter input right; " + counted + ")";
  }
  if (closed) return "closed: " + counted + "; right after every token of every input, every length";
  return "not closed up to " + std::to_string(cap) + " states; right on every input of length <= " + std::to_string(depth) + " (" + counted + ")";
}

}  // namespace freelunch::tasks
