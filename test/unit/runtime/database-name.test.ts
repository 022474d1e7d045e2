import { databaseNameIn, kibbleDatabaseName, uriWithDatabase } from '../../../src/db/database-name';

describe('the database a MONGODB_URI names', () => {
  it.each([
    ['mongodb://127.0.0.1:27017/', undefined, 'kibble', 'mongodb://127.0.0.1:27017/kibble'],
    ['mongodb://127.0.0.1:27017', undefined, 'kibble', 'mongodb://127.0.0.1:27017/kibble'],
    ['mongodb://u:p@db1,db2/shop?replicaSet=rs0', 'shop', 'shop', 'mongodb://u:p@db1,db2/shop?replicaSet=rs0'],
    ['mongodb://127.0.0.1:1/?tls=true', undefined, 'kibble', 'mongodb://127.0.0.1:1/kibble?tls=true'],
    ['mongodb+srv://cluster.example/kibble_prod', 'kibble_prod', 'kibble_prod', 'mongodb+srv://cluster.example/kibble_prod'],
  ])('%s', (uri, named, used, withName) => {
    expect(databaseNameIn(uri)).toBe(named);
    expect(kibbleDatabaseName(uri)).toBe(used);
    expect(uriWithDatabase(uri)).toBe(withName);
  });
});
