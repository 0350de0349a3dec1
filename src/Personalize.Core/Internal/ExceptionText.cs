namespace Personalize.Core.Internal;

/// <summary>The reason an exception gives, without the " (Parameter 'name')" that <see cref="ArgumentException"/> appends: for
/// messages that quote it after their own context.</summary>
internal static class ExceptionText
{
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
