#include "cli/registry.hpp"

#include <algorithm>
#include <cctype>

#include "arith/errors.hpp"

namespace freelunch::proofs {
// One line per theorem module (proofs/<id>.cpp): its record, in THEORY's order.
ProofEntry module_l1();
ProofEntry module_t1();
ProofEntry module_t2();
ProofEntry module_t3();
ProofEntry module_t4();
ProofEntry module_t5();
}  // namespace freelunch::proofs

namespace freelunch::cli {

const std::vector<ProofEntry>& proof_registry() {
  static const std::vector<ProofEntry> entries = {proofs::module_l1(), proofs::module_t1(), proofs::module_t2(),
                                                  proofs::module_t3(), proofs::module_t4(), proofs::module_t5()};
  return entries;
}

const ProofEntry& find_proof(const std::string& id) {
  std::string lower = id;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const ProofEntry& e : proof_registry())
    if (e.id == lower) return e;
  std::string valid;
  for (const ProofEntry& e : proof_registry()) valid += e.id + ", ";
  throw UsageError("unknown theorem id '" + id + "'; valid: " + valid + "all");
}

}  // namespace freelunch::cli
