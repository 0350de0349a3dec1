namespace Personalize.Cli;

/// <summary>The command line is wrong: an option is missing, malformed or contradicts another. Exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
