// Avro in the Confluent wire format, written and read by the Apache Avro Java library: the
// independent implementation kstream's Avro codec is checked against (test/integration/serde-avro-java.test.ts).
//
//   java AvroWire.java decode SCHEMA.avsc   stdin: one record value per line, in hex; stdout: id TAB Avro JSON
//   java AvroWire.java encode SCHEMA.avsc ID stdin: one Avro JSON value per line; stdout: the record values in hex
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;

public class AvroWire {
  public static void main(String[] args) throws Exception {
    Schema schema = new Schema.Parser().parse(new File(args[1]));
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    HexFormat hex = HexFormat.of();
    GenericDatumReader<Object> reader = new GenericDatumReader<>(schema);
    GenericDatumWriter<Object> writer = new GenericDatumWriter<>(schema);
    StringBuilder out = new StringBuilder();
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.isEmpty()) continue;
      if (args[0].equals("decode")) {
        ByteBuffer record = ByteBuffer.wrap(hex.parseHex(line));
        if (record.get() != 0) throw new IllegalArgumentException("magic byte is not 0: " + line);
        int id = record.getInt();
        BinaryDecoder body = DecoderFactory.get().binaryDecoder(record.array(), 5, record.remaining(), null);
        Object value = reader.read(null, body);
        if (!body.isEnd()) throw new IllegalArgumentException("bytes left after the body: " + line);
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        JsonEncoder enc = EncoderFactory.get().jsonEncoder(schema, json);
        writer.write(value, enc);
        enc.flush();
        out.append(id).append('\t').append(json.toString(StandardCharsets.UTF_8)).append('\n');
      } else {
        Object value = reader.read(null, DecoderFactory.get().jsonDecoder(schema, line));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(0);
        bytes.write(ByteBuffer.allocate(4).putInt(Integer.parseInt(args[2])).array());
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(bytes, null);
        writer.write(value, enc);
        enc.flush();
        out.append(hex.formatHex(bytes.toByteArray())).append('\n');
      }
    }
    System.out.print(out);
  }
}
