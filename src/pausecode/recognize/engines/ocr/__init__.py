"""The OCR engines (RapidOCR, Tesseract), each a subclass of the reading template in `recognize.ocr`."""
