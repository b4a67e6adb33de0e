#pragma once
// The program edge: parses the command line, runs it, and turns errors into exit codes
// (usage errors: one line on stderr, exit 2; internal errors: exit 3).
#include <functional>

// CLI11 is not included here: its header costs ~7 s of compile time in every file that includes it
// (it defines its validator objects in the header), so only the files that bind options include it.
namespace CLI {
class App;
}  // namespace CLI

namespace freelunch::cli {

int run_app(CLI::App& app, int argc, char** argv, const int& exit_code);
// The per-proof executables: `proof_l1 [--precision ...] [--grid ...] ...`.
int run_single_proof(const char* id, int argc, char** argv);

}  // namespace freelunch::cli
