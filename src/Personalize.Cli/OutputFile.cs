using System.Text;

namespace Personalize.Cli;

/// <summary>Writes a command's text output (<c>--out</c>, <c>--report</c>) as UTF-8 without a byte order mark, creating its folder as
/// <c>train --out</c> does, so a long run does not end in "could not find a part of the path".</summary>
internal static class OutputFile
{
    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/>, creating the folder when it does not exist.</summary>
    public static void Write(string path, string text)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }

        File.WriteAllText(path, text, new UTF8Encoding(false));
    }
}
