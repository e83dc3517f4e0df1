// Verifies credentials with Digital Bazaar's libraries, as a third party would.
// Reads {"cases": [{"credential", "now"?, "checkStatus"?}], "documents": {url: document}} as JSON
// on stdin and writes one {"accepted", "verified", "error", "status"} per case, as a JSON list, on
// stdout. The document loader serves only the
// documents given (our bundled contexts, the controller document, the status list credential):
// any other URL is an error, so nothing is fetched from the network.
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const documents = input.documents;

async function documentLoader(url) {
  if(Object.hasOwn(documents, url)) {
    return {contextUrl: null, documentUrl: url, document: documents[url]};
  }
  const [base, fragment] = url.split('#');
  if(fragment !== undefined && Object.hasOwn(documents, base)) {
    const controller = documents[base];
    const method = (controller.verificationMethod || []).find(m => m.id === url);
    if(method) {
      return {contextUrl: null, documentUrl: url,
        document: {'@context': controller['@context'], ...method}};
    }
  }
  throw new Error(`document loader: ${url} is not one of the documents given`);
}

function describe(error) {
  if(!error) return null;
  const errors = Array.isArray(error) ? error : (error.errors || [error]);
  return errors.map(e => (e && e.message) || String(e)).join('; ');
}

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});

async function verify({credential, now, checkStatus: withStatus}) {
  const options = {credential, suite, documentLoader};
  if(now) options.now = new Date(now);
  if(withStatus) options.checkStatus = checkStatus;
  let result;
  try {
    result = await vc.verifyCredential(options);
  } catch(e) {
    result = {verified: false, error: e};
  }
  const status = result.statusResult ?
    {verified: result.statusResult.verified,
      revoked: result.statusResult.results ?
        result.statusResult.results.map(r => r.status) : undefined,
      error: describe(result.statusResult.error)} : null;
  // `verified` says the proof, the dates and the status check succeeded; a set status bit is
  // reported in status.revoked, and a relying party refuses it: `accepted` is both together.
  return {
    accepted: result.verified === true && !(status && (status.revoked || []).includes(true)),
    verified: result.verified === true,
    error: result.verified ? null : describe(result.error) ||
      describe((result.results || []).map(r => r.error).filter(Boolean)),
    status,
  };
}

const started = process.hrtime.bigint();
const results = [];
for(const one of input.cases) results.push(await verify(one));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
// With "timed" (make bench), the verification time without Node's start-up comes along.
process.stdout.write(JSON.stringify(input.timed ? {results, seconds} : results));
