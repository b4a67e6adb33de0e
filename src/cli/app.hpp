#pragma once
// The program edge: parses the command line, runs it, and turns errors into exit codes
// (usage errors: one line on stderr, exit 2; internal errors: exit 3).
#include <functional>
#include <optional>
#include <string>
#include <vector>

// CLI11 is not included here: its header costs ~7 s of compile time in every file that includes it
// (it defines its validator objects in the header), so only the files that bind options include it.
namespace CLI {
class App;
}  // namespace CLI

namespace freelunch::cli {

// `freelunch ARGS`: the whole command line (main's body; CLI11 stays out of main.cpp, which then
// compiles in a fraction of a second).
int run_freelunch(int argc, char** argv);
int run_app(CLI::App& app, int argc, char** argv, const int& exit_code);
// The `freelunch` command line: every subcommand bound to `app`, its exit code to `exit_code`.
void add_subcommands(CLI::App& app, int& exit_code);

// One command run in process (the Python module's entry): `args` as after `freelunch`, the --json
// objects it emits collected instead of printed, `-` as a layer file reading `stdin_text`.
// Never throws for the command's own failures: they come back as an error kind and message
// (the one line the CLI would print after "freelunch: error: ").
struct CapturedRun {
  enum class Error { none, usage, internal, cancelled };
  int exit_code = 0;
  std::string json;  // the emitted objects, one per line
  Error error = Error::none;
  std::string message;
};
CapturedRun run_captured(const std::vector<std::string>& args, std::optional<std::string> stdin_text = std::nullopt);
// The per-proof executables: `proof_l1 [--precision ...] [--grid ...] ...`.
int run_single_proof(const char* id, int argc, char** argv);

}  // namespace freelunch::cli
