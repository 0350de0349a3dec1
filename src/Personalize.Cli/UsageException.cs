namespace Personalize.Cli;

/// <summary>The command line is wrong: an option is missing, malformed or contradicts another. Exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message)
{
    /// <summary>A usage error for an option whose value the library refused: "--option: reason".</summary>
    /// <param name="option">The option as the person typed it, such as <c>--filter</c>; empty for no prefix.</param>
    /// <param name="exception">The library's exception.</param>
    /// <returns>The usage error.</returns>
    public static UsageException For(string option, Exception exception) =>
        new(option.Length == 0 ? Reason(exception) : option + ": " + Reason(exception));

    /// <summary>The exception's reason without the " (Parameter 'name')" that <see cref="ArgumentException"/> appends.</summary>
    public static string Reason(Exception exception)
    {
        string message = exception.Message;
        if (exception is ArgumentException { ParamName: { Length: > 0 } name })
        {
            string suffix = $" (Parameter '{name}')";
            if (message.EndsWith(suffix, StringComparison.Ordinal))
            {
                return message[..^suffix.Length];
            }
        }

        return message;
    }
}
