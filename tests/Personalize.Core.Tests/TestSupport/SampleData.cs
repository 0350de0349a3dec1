namespace Personalize.Core.Tests.TestSupport;

/// <summary>Finds the bundled sample shop (samples/data) from the test's working folder.</summary>
public static class SampleData
{
    public static string Folder
    {
        get
        {
            for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                string candidate = System.IO.Path.Combine(dir.FullName, "samples", "data");
                if (System.IO.File.Exists(System.IO.Path.Combine(candidate, "events.csv")))
                {
                    return candidate;
                }
            }

            throw new InvalidOperationException("samples/data/events.csv was not found above " + AppContext.BaseDirectory);
        }
    }

    public static string Events => System.IO.Path.Combine(Folder, "events.csv");
}
