using Personalize.Core.Models;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Models;

/// <summary>
/// <see cref="ModelFile.Read"/> on a stream that cannot seek (a network or pipe stream), where the reader cannot compare a section's
/// claimed length with the file's length: damage must still raise <see cref="ModelFormatException"/>.
/// </summary>
public sealed class ModelFileStreamTests
{
    private static readonly string[] SectionTags = ["HEAD", "USER", "ITEM", "UFAC", "IFAC", "SEEN", "POPU", "UBIA", "IBIA", "END!"];

    public static TheoryData<string, int> SectionsAndLengthBytes
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (string tag in SectionTags)
            {
                foreach (int lengthByte in new[] { 0, 2, 3, 4, 7 })
                {
                    data.Add(tag, lengthByte);
                }
            }

            return data;
        }
    }

    [Fact]
    public void Read_from_a_stream_that_cannot_seek_returns_the_model()
    {
        FactorModel model = TestModels.Create(seed: 61, withBiases: true);
        byte[] file = Written(model);

        FactorModel loaded = ModelFile.Read(new ForwardOnlyStream(file), "pipe");

        ModelFileRoundTripTests.AssertSameModel(model, loaded);
    }

    [Theory, MemberData(nameof(SectionsAndLengthBytes))]
    public void Read_from_a_stream_that_cannot_seek_reports_a_damaged_section_length(string tag, int lengthByte)
    {
        byte[] file = Written(TestModels.Create(seed: 62, withBiases: true));
        file[ModelFileLayout.Find(file, tag).LengthOffset + lengthByte] ^= 0x40;

        ModelFormatException error = ReadDamaged(file, $"{tag} length byte {lengthByte}");

        Assert.Equal(tag, error.Section);
    }

    [Fact]
    public void Read_from_a_stream_that_cannot_seek_reports_a_cut_at_any_length()
    {
        byte[] file = Written(TestModels.Create(seed: 63, userCount: 3, itemCount: 4, numberOfFactors: 2, withBiases: true, seenFraction: 0.5));

        for (int cut = 0; cut < file.Length; cut++)
        {
            ModelFormatException error = ReadDamaged(file[..cut], $"cut at {cut}");

            if (cut >= 8)
            {
                Assert.True(error.Message.Contains("truncated", StringComparison.Ordinal), $"cut at {cut}: {error.Message}");
            }
        }
    }

    private static byte[] Written(FactorModel model)
    {
        using var stream = new MemoryStream();
        ModelFile.Write(model, stream);
        return stream.ToArray();
    }

    private static ModelFormatException ReadDamaged(byte[] bytes, string context)
    {
        Exception? error = Record.Exception(() => ModelFile.Read(new ForwardOnlyStream(bytes), "pipe.pzm"));

        Assert.True(error is ModelFormatException, $"{context}: expected ModelFormatException but got {error?.GetType().Name ?? "a model"}: {error?.Message}");
        return (ModelFormatException)error!;
    }

    /// <summary>Real bytes behind a stream that reads forward only, like a pipe.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes, writable: false);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => _inner.Read(buffer);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
