#pragma once
// The theorems in THEORY's order, with their paper numbering and the proof that checks each.
#include <string>
#include <vector>

#include "core/proof.hpp"
#include "output/theorem_module.hpp"

namespace freelunch::cli {

const std::vector<ProofEntry>& proof_registry();
// The entry for an id, case-insensitive; UsageError naming the valid ids otherwise.
const ProofEntry& find_proof(const std::string& id);

}  // namespace freelunch::cli
