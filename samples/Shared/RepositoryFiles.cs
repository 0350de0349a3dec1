namespace Personalize.SampleSupport;

/// <summary>Not part of the ported samples: finds the bundled sample data from wherever the sample runs (compiled into each).</summary>
internal static class RepositoryFiles
{
    /// <summary>Finds a file of the repository from the current directory or the program's, walking up.</summary>
    /// <param name="relative">The path below the repository's root, such as <c>samples/data/ratings.csv</c>.</param>
    /// <returns>The full path.</returns>
    /// <exception cref="FileNotFoundException">No folder above either start holds the file.</exception>
    public static string Find(string relative)
    {
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (DirectoryInfo? d = new(start); d is not null; d = d.Parent)
            {
                string candidate = Path.Combine(d.FullName, relative);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException($"{relative} was not found above {Environment.CurrentDirectory} or {AppContext.BaseDirectory}.");
    }
}
