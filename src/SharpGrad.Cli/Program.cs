Console.WriteLine("sharpgrad");
