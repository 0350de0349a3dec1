// ML.NET's product-recommendation sample (dotnet/machinelearning-samples, MatrixFactorization_ProductRecommendation: one-class
// matrix factorization over co-purchases), written against Personalize.ML. One line differs from the sample, marked "ported": the
// using of the trainer's namespace (the sample saves nothing). SampleData.cs (not part of the sample) writes its co-purchase file
// from the bundled sample shop's purchases.
using Microsoft.ML;
using Microsoft.ML.Data;
using Personalize.Core.ML.Recommendation;       // ported: was "using Microsoft.ML.Trainers;"
using ProductRecommendation;

string TrainingDataLocation = Path.Combine(Environment.CurrentDirectory, "Data", "co-purchases.txt");
SampleData.WriteCoPurchases(TrainingDataLocation);

MLContext mlContext = new MLContext();

var traindata = mlContext.Data.LoadFromTextFile(path: TrainingDataLocation,
    columns: new[]
    {
        new TextLoader.Column("Label", DataKind.Single, 0),
        new TextLoader.Column(name: nameof(ProductEntry.ProductID), dataKind: DataKind.UInt32, source: new[] { new TextLoader.Range(0) }, keyCount: new KeyCount(262111)),
        new TextLoader.Column(name: nameof(ProductEntry.CoPurchaseProductID), dataKind: DataKind.UInt32, source: new[] { new TextLoader.Range(1) }, keyCount: new KeyCount(262111)),
    },
    hasHeader: true,
    separatorChar: '\t');

MatrixFactorizationTrainer.Options options = new MatrixFactorizationTrainer.Options();
options.MatrixColumnIndexColumnName = nameof(ProductEntry.ProductID);
options.MatrixRowIndexColumnName = nameof(ProductEntry.CoPurchaseProductID);
options.LabelColumnName = "Label";
options.LossFunction = MatrixFactorizationTrainer.LossFunctionType.SquareLossOneClass;
options.Alpha = 0.01;
options.Lambda = 0.025;

var est = mlContext.Recommendation().Trainers.MatrixFactorization(options);
ITransformer model = est.Fit(traindata);

var predictionengine = mlContext.Model.CreatePredictionEngine<ProductEntry, Copurchase_prediction>(model);
var prediction = predictionengine.Predict(new ProductEntry() { ProductID = 3, CoPurchaseProductID = 63 });
Console.WriteLine("\n For ProductID = 3 and  CoPurchaseProductID = 63 the predicted score is " + Math.Round(prediction.Score, 1));
