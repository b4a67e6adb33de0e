// The theorem modules, in THEORY's order: one line per theorem (docs/adding-a-theorem.md).
#include <vector>

#include "output/theorem_module.hpp"

namespace freelunch::proofs {

ProofEntry module_l1();
ProofEntry module_t1();
ProofEntry module_t2();
ProofEntry module_t3();
ProofEntry module_t4();
ProofEntry module_t5();
ProofEntry module_s1();
ProofEntry module_s2();
ProofEntry module_s3();

std::vector<ProofEntry> modules() { return {module_l1(), module_t1(), module_t2(), module_t3(), module_t4(), module_t5(), module_s1(), module_s2(), module_s3()}; }

}  // namespace freelunch::proofs
