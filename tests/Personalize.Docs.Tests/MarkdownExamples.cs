using System.Text.RegularExpressions;

namespace Personalize.Docs.Tests;

/// <summary>
/// Finds every C# block (<c>```csharp</c>, <c>```cs</c> or <c>```c#</c>) in the repository's Markdown files and reads its marker: an
/// HTML comment on a line before the fence (blank lines and other comments, such as the pack-smoke markers, may stand between),
/// <c>&lt;!-- example: compile-only: REASON --&gt;</c> or <c>&lt;!-- example: fragment: REASON --&gt;</c>. A block without one runs.
/// </summary>
public static partial class MarkdownExamples
{
    /// <summary>The start of a marker comment.</summary>
    public const string MarkerStart = "<!-- example:";

    /// <summary>The Markdown files whose C# blocks are checked, relative to the repository root: <c>README.md</c>,
    /// <c>src/*/README.md</c>, <c>docs/*.md</c> and <c>samples/*/README.md</c>, in ordinal order.</summary>
    public static IReadOnlyList<string> DocumentFiles(string root)
    {
        var files = new List<string>();
        void Add(string path)
        {
            if (File.Exists(path))
            {
                files.Add(Path.GetRelativePath(root, path).Replace('\\', '/'));
            }
        }

        Add(Path.Combine(root, "README.md"));
        foreach (string folder in new[] { "src", "samples" })
        {
            string parent = Path.Combine(root, folder);
            if (Directory.Exists(parent))
            {
                foreach (string project in Directory.GetDirectories(parent))
                {
                    Add(Path.Combine(project, "README.md"));
                }
            }
        }

        string docs = Path.Combine(root, "docs");
        if (Directory.Exists(docs))
        {
            foreach (string file in Directory.GetFiles(docs, "*.md"))
            {
                Add(file);
            }
        }

        files.Sort(StringComparer.Ordinal);
        return files;
    }

    /// <summary>Reads every C# block of every documentation file.</summary>
    public static IReadOnlyList<CodeExample> ReadAll(string root) =>
        [.. DocumentFiles(root).SelectMany(file => Parse(file, File.ReadAllLines(Path.Combine(root, file))))];

    /// <summary>Reads the C# blocks of one Markdown text.</summary>
    /// <param name="file">The file's name for the results and errors.</param>
    /// <param name="lines">The file's lines.</param>
    /// <exception cref="FormatException">A marker is malformed, names an unknown kind, has no reason or is not followed by a C#
    /// block; or a C# block is not closed. The message starts with <c>file:line:</c>.</exception>
    public static IReadOnlyList<CodeExample> Parse(string file, IReadOnlyList<string> lines)
    {
        var examples = new List<CodeExample>();
        var usedMarkers = new HashSet<int>();
        for (int i = 0; i < lines.Count; i++)
        {
            Match open = OpeningFence().Match(lines[i]);
            if (!open.Success)
            {
                continue;
            }

            string fence = open.Groups["fence"].Value;
            int indent = open.Groups["indent"].Value.Length;
            int close = i + 1;
            while (close < lines.Count && !IsClosingFence(lines[close], fence))
            {
                close++;
            }

            bool isCSharp = open.Groups["language"].Value.ToLowerInvariant() is "csharp" or "cs" or "c#";
            if (isCSharp)
            {
                if (close == lines.Count)
                {
                    throw new FormatException($"{file}:{i + 1}: the C# block is not closed; expected a line '{fence}' after it.");
                }

                (ExampleKind kind, string? reason, int markerLine) = ReadMarker(file, lines, i);
                if (markerLine >= 0)
                {
                    usedMarkers.Add(markerLine);
                }

                string code = string.Join("\n", lines.Skip(i + 1).Take(close - i - 1).Select(l => Unindent(l, indent)));
                examples.Add(new CodeExample(file, i + 1, indent, kind, reason, code));
            }

            i = close;
        }

        for (int i = 0; i < lines.Count; i++)
        {
            if (lines[i].TrimStart().StartsWith(MarkerStart, StringComparison.Ordinal) && !usedMarkers.Contains(i))
            {
                throw new FormatException($"{file}:{i + 1}: an example marker must stand right before a C# block (only blank lines and other HTML comments between).");
            }
        }

        return examples;
    }

    private static (ExampleKind Kind, string? Reason, int MarkerLine) ReadMarker(string file, IReadOnlyList<string> lines, int fenceLine)
    {
        for (int i = fenceLine - 1; i >= 0; i--)
        {
            string line = lines[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (!line.StartsWith("<!--", StringComparison.Ordinal) || !line.EndsWith("-->", StringComparison.Ordinal))
            {
                break;
            }

            if (!line.StartsWith(MarkerStart, StringComparison.Ordinal))
            {
                continue;
            }

            Match marker = Marker().Match(line);
            if (!marker.Success)
            {
                throw new FormatException(
                    $"{file}:{i + 1}: malformed example marker '{line}'; expected '<!-- example: compile-only: why it cannot run -->' or '<!-- example: fragment: why it cannot compile alone -->'.");
            }

            string reason = marker.Groups["reason"].Value.Trim();
            if (reason.Length == 0)
            {
                throw new FormatException($"{file}:{i + 1}: the example marker gives no reason; say why the block cannot run or compile alone.");
            }

            return (marker.Groups["kind"].Value == "compile-only" ? ExampleKind.CompileOnly : ExampleKind.Fragment, reason, i);
        }

        return (ExampleKind.Runs, null, -1);
    }

    private static bool IsClosingFence(string line, string fence)
    {
        string trimmed = line.Trim();
        return trimmed.Length >= fence.Length && trimmed.All(c => c == fence[0]) && line.Length - line.TrimStart().Length <= 3;
    }

    private static string Unindent(string line, int indent)
    {
        int spaces = 0;
        while (spaces < indent && spaces < line.Length && line[spaces] == ' ')
        {
            spaces++;
        }

        return line[spaces..];
    }

    [GeneratedRegex(@"^(?<indent> {0,3})(?<fence>`{3,}|~{3,})\s*(?<language>[^\s`]*)")]
    private static partial Regex OpeningFence();

    [GeneratedRegex(@"^<!-- example: (?<kind>compile-only|fragment):(?<reason>.*)-->$")]
    private static partial Regex Marker();
}
