using System.Globalization;

namespace Personalize.Cli;

/// <summary>Parses option values that Spectre does not: durations and delimiters; and checks output paths.</summary>
internal static class OptionParsing
{
    /// <summary>Refuses an output path that would destroy an input or a model: <paramref name="output"/> is one of
    /// <paramref name="inputs"/>, or (when <paramref name="writesModel"/> is false) an existing model file that a JSON or text output would
    /// replace.</summary>
    /// <param name="option">The output option, such as <c>--out</c>.</param>
    /// <param name="output">The output path.</param>
    /// <param name="writesModel">Whether the command writes a model there (replacing an older model is then what the user asked for).</param>
    /// <param name="inputs">The files the command reads; null entries are ignored.</param>
    /// <exception cref="UsageException">The path would destroy an input or a model.</exception>
    public static void CheckOutput(string option, string output, bool writesModel, params string?[] inputs)
    {
        if (string.IsNullOrWhiteSpace(output))
        {
            throw new UsageException($"{option} needs the path of a file to write.");
        }

        string full = Path.GetFullPath(output);
        foreach (string? input in inputs)
        {
            if (!string.IsNullOrWhiteSpace(input) && string.Equals(Path.GetFullPath(input), full, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))
            {
                throw new UsageException($"{option} {output} is also an input of this command; choose another path so the input is not replaced.");
            }
        }

        if (Directory.Exists(full))
        {
            throw new UsageException($"{option} {output} is a folder; give the path of a file to write, such as {Path.Combine(output, writesModel ? "model.pzm" : "out.csv")}.");
        }

        if (!writesModel && File.Exists(full) && StartsWithModelMagic(full))
        {
            throw new UsageException($"{option} {output} is a model file, which this command's output would replace; choose another path.");
        }

        // Found out only when the result is written, these would cost the whole run (a train of hours): check them first.
        if (output.EndsWith(Path.DirectorySeparatorChar) || output.EndsWith(Path.AltDirectorySeparatorChar))
        {
            throw new UsageException($"{option} {output} ends in '{output[^1]}', so it names a folder; give the path of a file to write, such as "
                + $"{Path.Combine(output, writesModel ? "model.pzm" : "out.csv")}.");
        }

        string? folder = Path.GetDirectoryName(full);
        while (folder is not null && !Directory.Exists(folder))
        {
            if (File.Exists(folder))
            {
                throw new UsageException($"{option} {output} cannot be written: {folder} is a file, not a folder.");
            }

            folder = Path.GetDirectoryName(folder);
        }

        // A model is saved beside its target and renamed over it, so its folder must take a new file; a text output is written in place,
        // so an existing target (or /dev/stdout) needs only to be writable itself.
        if (!writesModel && File.Exists(full))
        {
            if (!CanOpenForWriting(full, out string? denied))
            {
                throw new UsageException($"{option} {output} cannot be written ({denied}).");
            }
        }
        else if (folder is not null && !CanCreateFileIn(folder, out string? reason))
        {
            throw new UsageException($"{option} {output} cannot be written: a file cannot be created in {folder} ({reason}).");
        }
    }

    /// <summary>Whether an existing file can be opened for writing: opened without truncating it, then closed.</summary>
    private static bool CanOpenForWriting(string path, out string? reason) =>
        CanOpen(() => new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite), out reason);

    /// <summary>Whether a file can be created in <paramref name="folder"/>: creates and deletes an empty one, which is what permissions,
    /// a read-only mount and a full table of files all answer to.</summary>
    private static bool CanCreateFileIn(string folder, out string? reason) =>
        CanOpen(() => new FileStream(Path.Combine(folder, $".personalize-write-check-{Environment.ProcessId}-{Guid.NewGuid():N}"), FileMode.CreateNew,
            FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose), out reason);

    /// <summary>Opens and closes a stream; false with the system's reason when that fails for want of access or room.</summary>
    private static bool CanOpen(Func<FileStream> open, out string? reason)
    {
        try
        {
            using (open())
            {
            }

            reason = null;
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            reason = exception.Message.TrimEnd('.');
            return false;
        }
    }

    private static bool StartsWithModelMagic(string path)
    {
        Span<byte> head = stackalloc byte[4];
        try
        {
            using FileStream stream = File.OpenRead(path);
            return stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) == head.Length && head.SequenceEqual((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'Z', (byte)'M']);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Parses <c>30d</c>, <c>12h</c>, <c>90m</c>, <c>45s</c>, <c>2w</c> or a .NET TimeSpan such as <c>1.12:00:00</c>; refuses a
    /// number without a unit and <c>M</c> (months or minutes?).</summary>
    public static TimeSpan Duration(string option, string text)
    {
        string t = text.Trim();
        if (t.Length >= 2 && t[^1] == 'M' && double.TryParse(t[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            // Months to many people, minutes to a lower-casing parser: neither guess is safe.
            throw new UsageException($"{option} '{text}': M could be months or minutes; write {t[..^1]}m for minutes, or the days (such as 180d for six months).");
        }

        if (t.Length >= 2 && double.TryParse(t[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && number > 0)
        {
            double? seconds = char.ToLowerInvariant(t[^1]) switch
            {
                's' => number,
                'm' => number * 60,
                'h' => number * 3600,
                'd' => number * 86400,
                'w' => number * 7 * 86400,
                _ => null,
            };
            if (seconds is { } length && !(length < TimeSpan.MaxValue.TotalSeconds))
            {
                throw new UsageException($"{option} '{text}' is longer than the longest duration there is (about 29,000 centuries).");
            }

            TimeSpan? value = seconds is { } s ? TimeSpan.FromSeconds(s) : null;
            if (value is { } v)
            {
                return v > TimeSpan.Zero ? v
                    : throw new UsageException($"{option} '{text}' is shorter than the shortest duration there is (0.0000001 s).");
            }
        }

        // A TimeSpan such as 1.12:00:00; a bare number ("10", which TimeSpan reads as days) names no unit, so it is refused below.
        if (t.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(t, CultureInfo.InvariantCulture, out TimeSpan span) && span > TimeSpan.Zero)
        {
            return span;
        }

        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double bare) && bare > 0)
        {
            throw new UsageException($"{option} '{text}' has no unit; write {t}d for days, {t}h for hours, {t}m for minutes or {t}s for seconds.");
        }

        throw new UsageException($"{option} '{text}' is not a positive duration (expected a number and a unit, such as 30d, 12h, 90m, 45s or 2w).");
    }

    /// <summary>Reads a delimiter, accepting the names <c>tab</c>, <c>comma</c>, <c>semicolon</c>, <c>pipe</c> and the escape <c>\t</c>.</summary>
    public static string? Delimiter(string? text) => text?.ToLowerInvariant() switch
    {
        null => null,
        "tab" or "\\t" => "\t",
        "comma" => ",",
        "semicolon" => ";",
        "pipe" => "|",
        _ => text,
    };
}
