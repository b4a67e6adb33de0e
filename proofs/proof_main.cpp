// The executable of one proof: parses the common options and runs the proof named at build time.
#include "cli/app.hpp"

int main(int argc, char** argv) { return freelunch::cli::run_single_proof(FREELUNCH_PROOF_ID, argc, argv); }
