#pragma once
// What the subcommands share: argument parsing with --help, and loading a study area that must
// be free of errors before it is assessed or simulated.
#include <boost/program_options.hpp>
#include <string>

#include "cli/commands.h"
#include "io/load.h"

namespace ntm::cli {

// Parses `args` into `vm`. `positional` names the option that takes the positional arguments
// (`count` of them, −1: any number), hidden from --help. Returns false when --help was asked
// for (and printed).
bool parse_args(const Args& args, const boost::program_options::options_description& opts,
                const std::string& positional, const boost::program_options::value_semantic* value,
                int count, boost::program_options::variables_map& vm);

// Loads a study area and throws InputError, after listing them, when it has errors.
io::LoadResult load_usable_area(const std::string& path);

}  // namespace ntm::cli
