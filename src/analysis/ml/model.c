// SPDX-License-Identifier: MIT
/* The model file: a trained isolation forest and/or autoencoder as one JSON
 * object (format "renacer-ml-model", version 1; docs/ml-models.md). Written
 * with jansson's dumper (doubles round-trip at %.17g), read back with every
 * field checked: a tree's children must come after their parent, so no
 * file can make a path walk loop or leave the node array. */
#include "analysis/ml/ml.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

static json_t *floats(const float *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_real(v[i])) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *forest_json(const struct rn_ml_iforest *f, double threshold)
{
	json_t *o = json_pack("{s:I, s:I, s:f}", "trees", (json_int_t)f->ntrees, "subsample",
			      (json_int_t)f->subsample, "score_threshold", threshold);
	json_t *roots = json_array(), *nodes = json_array();
	if (!o || !roots || !nodes)
		goto fail;
	for (size_t t = 0; t < f->ntrees; t++)
		if (json_array_append_new(roots, json_integer((json_int_t)f->root[t])) < 0)
			goto fail;
	for (size_t i = 0; i < f->nnodes; i++) {
		const struct rn_ml_inode *n = &f->nodes[i];
		json_t *row =
		    n->feature < 0
			? json_pack("[i, f, i, i, I]", -1, 0.0, 0, 0, (json_int_t)n->size)
			: json_pack("[i, f, I, I, I]", n->feature, (double)n->threshold,
				    (json_int_t)n->left, (json_int_t)n->right, (json_int_t)n->size);
		if (!row || json_array_append_new(nodes, row) < 0)
			goto fail;
	}
	/* set_new takes the reference even when it fails. */
	json_t *r = roots, *nd = nodes;
	roots = nodes = NULL;
	int bad = json_object_set_new(o, "roots", r) < 0;
	if (json_object_set_new(o, "nodes", nd) < 0 || bad)
		goto fail;
	return o;
fail:
	json_decref(roots);
	json_decref(nodes);
	json_decref(o);
	return NULL;
}

static json_t *ae_json(const struct rn_ml_ae *ae, double threshold)
{
	json_t *o =
	    json_pack("{s:I, s:f, s:f, s:f}", "hidden", (json_int_t)ae->hidden, "error_mean",
		      ae->err_mean, "error_sd", ae->err_sd, "threshold_sigma", threshold);
	if (!o)
		return NULL;
	if (json_object_set_new(o, "mean", floats(ae->mean, ae->in)) < 0 ||
	    json_object_set_new(o, "scale", floats(ae->scale, ae->in)) < 0 ||
	    json_object_set_new(o, "w1", floats(ae->w1, ae->hidden * ae->in)) < 0 ||
	    json_object_set_new(o, "b1", floats(ae->b1, ae->hidden)) < 0 ||
	    json_object_set_new(o, "w2", floats(ae->w2, ae->in * ae->hidden)) < 0 ||
	    json_object_set_new(o, "b2", floats(ae->b2, ae->in)) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int rn_ml_model_save(const struct rn_ml_model *m, const char *path, struct rn_diag *reterr)
{
	json_t *root =
	    json_pack("{s:s, s:i}", "format", RN_ML_MODEL_FORMAT, "version", RN_ML_MODEL_VERSION);
	json_t *feats = json_array();
	int r = -ENOMEM;
	if (!root || !feats)
		goto out;
	for (size_t j = 0; j < m->nfeatures; j++)
		if (json_array_append_new(feats, json_string(m->features[j])) < 0)
			goto out;
	r = json_object_set(root, "features", feats) < 0 ? -ENOMEM : 0;
	if (r == 0 && m->forest &&
	    json_object_set_new(root, "isolation_forest",
				forest_json(m->forest, m->forest_threshold)) < 0)
		r = -ENOMEM;
	if (r == 0 && m->ae &&
	    json_object_set_new(root, "autoencoder", ae_json(m->ae, m->ae_threshold)) < 0)
		r = -ENOMEM;
	if (r < 0)
		goto out;
	if (json_dump_file(root, path, JSON_INDENT(1) | JSON_PRESERVE_ORDER) != 0) {
		r = -EIO;
		rn_diag_set(reterr, "cannot write model '%s': %s", path,
			    strerror(errno ? errno : EIO));
	}
out:
	if (r == -ENOMEM)
		rn_diag_set(reterr, "cannot write model '%s': out of memory", path);
	json_decref(feats);
	json_decref(root);
	return r;
}

void rn_ml_model_done(struct rn_ml_model *m)
{
	if (m->owned_features)
		for (size_t j = 0; j < m->nfeatures; j++)
			free(m->owned_features[j]);
	free(m->owned_features);
	rn_ml_iforest_free(m->forest);
	rn_ml_ae_free(m->ae);
	memset(m, 0, sizeof(*m));
}

/* Read a number field; false if missing or not a number. */
static bool get_num(json_t *o, const char *key, double *ret)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_number(v))
		return false;
	*ret = json_number_value(v);
	return isfinite(*ret);
}

static bool get_floats(json_t *o, const char *key, float *out, size_t n)
{
	json_t *a = json_object_get(o, key);
	if (!json_is_array(a) || json_array_size(a) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_array_get(a, i);
		if (!json_is_number(v) || !isfinite(json_number_value(v)))
			return false;
		out[i] = (float)json_number_value(v);
	}
	return true;
}

/* The forest in o, or NULL with *what naming the bad field. */
static struct rn_ml_iforest *forest_load(json_t *o, size_t dim, double *threshold,
					 const char **what)
{
	double trees, sub;
	json_t *roots = json_object_get(o, "roots"), *nodes = json_object_get(o, "nodes");
	*what = "isolation_forest: trees, subsample, score_threshold, roots and nodes";
	if (!get_num(o, "trees", &trees) || !get_num(o, "subsample", &sub) ||
	    !get_num(o, "score_threshold", threshold) || trees < 1 || trees > 1e6 || sub < 1 ||
	    sub > 1e9 || !json_is_array(roots) || !json_is_array(nodes) ||
	    json_array_size(roots) != (size_t)trees || json_array_size(nodes) == 0 ||
	    json_array_size(nodes) > UINT32_MAX)
		return NULL;
	struct rn_ml_iforest *f = calloc(1, sizeof(*f));
	size_t nn = json_array_size(nodes);
	if (!f)
		return NULL;
	f->ntrees = (size_t)trees;
	f->subsample = (size_t)sub;
	f->dim = dim;
	f->root = calloc(f->ntrees, sizeof(size_t));
	f->nodes = calloc(nn, sizeof(*f->nodes));
	f->nnodes = f->cap = nn;
	if (!f->root || !f->nodes) {
		*what = "isolation_forest (out of memory)";
		goto bad;
	}
	*what = "isolation_forest.roots (node indices)";
	for (size_t t = 0; t < f->ntrees; t++) {
		json_t *v = json_array_get(roots, t);
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    (size_t)json_integer_value(v) >= nn)
			goto bad;
		f->root[t] = (size_t)json_integer_value(v);
	}
	*what = "isolation_forest.nodes ([feature, threshold, left, right, size], children after "
		"their parent)";
	for (size_t i = 0; i < nn; i++) {
		json_t *row = json_array_get(nodes, i);
		json_int_t feat, left, right, size;
		double thr;
		if (json_unpack(row, "[I, F, I, I, I!]", &feat, &thr, &left, &right, &size) != 0 ||
		    feat < -1 || feat >= (json_int_t)dim || size < 0 || size > UINT32_MAX ||
		    !isfinite(thr))
			goto bad;
		struct rn_ml_inode *n = &f->nodes[i];
		n->feature = (int32_t)feat;
		n->size = (uint32_t)size;
		if (feat >= 0) {
			if (left <= (json_int_t)i || right <= (json_int_t)i ||
			    left >= (json_int_t)nn || right >= (json_int_t)nn)
				goto bad;
			n->threshold = (float)thr;
			n->left = (uint32_t)left;
			n->right = (uint32_t)right;
		}
	}
	return f;
bad:
	rn_ml_iforest_free(f);
	return NULL;
}

static struct rn_ml_ae *ae_load(json_t *o, size_t in, double *threshold, const char **what)
{
	double hid;
	*what = "autoencoder: hidden, error_mean, error_sd, threshold_sigma";
	struct rn_ml_ae tmp = {0};
	if (!get_num(o, "hidden", &hid) || hid < 1 || hid > 64 || hid != floor(hid) ||
	    !get_num(o, "error_mean", &tmp.err_mean) || !get_num(o, "error_sd", &tmp.err_sd) ||
	    !get_num(o, "threshold_sigma", threshold))
		return NULL;
	size_t h = (size_t)hid;
	struct rn_ml_ae *ae = calloc(1, sizeof(*ae));
	if (!ae)
		return NULL;
	ae->in = in;
	ae->hidden = h;
	ae->err_mean = tmp.err_mean;
	ae->err_sd = tmp.err_sd;
	ae->mean = calloc(in, sizeof(float));
	ae->scale = calloc(in, sizeof(float));
	ae->w1 = calloc(h * in, sizeof(float));
	ae->b1 = calloc(h, sizeof(float));
	ae->w2 = calloc(in * h, sizeof(float));
	ae->b2 = calloc(in, sizeof(float));
	*what = "autoencoder: mean, scale, w1, b1, w2, b2 (arrays of the sizes the features and "
		"hidden give)";
	if (!ae->mean || !ae->scale || !ae->w1 || !ae->b1 || !ae->w2 || !ae->b2 ||
	    !get_floats(o, "mean", ae->mean, in) || !get_floats(o, "scale", ae->scale, in) ||
	    !get_floats(o, "w1", ae->w1, h * in) || !get_floats(o, "b1", ae->b1, h) ||
	    !get_floats(o, "w2", ae->w2, in * h) || !get_floats(o, "b2", ae->b2, in)) {
		rn_ml_ae_free(ae);
		return NULL;
	}
	for (size_t j = 0; j < in; j++)
		if (!(ae->scale[j] > 0)) {
			*what = "autoencoder.scale (must be positive)";
			rn_ml_ae_free(ae);
			return NULL;
		}
	return ae;
}

int rn_ml_model_load(const char *path, struct rn_ml_model *ret, struct rn_diag *reterr)
{
	json_error_t je;
	json_t *root = json_load_file(path, 0, &je);
	struct rn_ml_model m = {0};
	const char *what = NULL;
	int r = -EBADMSG;
	if (!root) {
		if (je.line < 0 || strstr(je.text, "unable to open")) {
			rn_diag_set(reterr, "cannot read model '%s': %s", path, je.text);
			return -ENOENT;
		}
		rn_diag_set(reterr, "model '%s' is not valid JSON: line %d, column %d: %s", path,
			    je.line, je.column, je.text);
		return -EBADMSG;
	}
	json_t *fmt = json_object_get(root, "format"), *ver = json_object_get(root, "version");
	json_t *feats = json_object_get(root, "features");
	if (!json_is_string(fmt) || strcmp(json_string_value(fmt), RN_ML_MODEL_FORMAT) != 0) {
		rn_diag_set(
		    reterr,
		    "'%s' is not a renacer model (\"format\": \"%s\"; made by --save-model)", path,
		    RN_ML_MODEL_FORMAT);
		goto out;
	}
	if (!json_is_integer(ver) || json_integer_value(ver) != RN_ML_MODEL_VERSION) {
		if (json_is_integer(ver))
			rn_diag_set(
			    reterr,
			    "model '%s': unsupported version %lld (this renacer reads version %d)",
			    path, (long long)json_integer_value(ver), RN_ML_MODEL_VERSION);
		else
			rn_diag_set(
			    reterr,
			    "model '%s': no \"version\" number (this renacer reads version %d)",
			    path, RN_ML_MODEL_VERSION);
		goto out;
	}
	if (!json_is_array(feats) || json_array_size(feats) == 0 || json_array_size(feats) > 64) {
		rn_diag_set(reterr, "model '%s': \"features\" must be an array of 1 to 64 names",
			    path);
		goto out;
	}
	m.nfeatures = json_array_size(feats);
	m.owned_features = calloc(m.nfeatures, sizeof(char *));
	if (!m.owned_features) {
		r = -ENOMEM;
		rn_diag_set(reterr, "model '%s': out of memory", path);
		goto out;
	}
	for (size_t j = 0; j < m.nfeatures; j++) {
		json_t *s = json_array_get(feats, j);
		if (!json_is_string(s) || !(m.owned_features[j] = strdup(json_string_value(s)))) {
			rn_diag_set(reterr, "model '%s': \"features\" must be an array of names",
				    path);
			goto out;
		}
	}
	m.features = (const char *const *)m.owned_features;
	json_t *fo = json_object_get(root, "isolation_forest"),
	       *ao = json_object_get(root, "autoencoder");
	if (!fo && !ao) {
		rn_diag_set(reterr,
			    "model '%s' holds neither \"isolation_forest\" nor \"autoencoder\"",
			    path);
		goto out;
	}
	if (fo && !(m.forest = forest_load(fo, m.nfeatures, &m.forest_threshold, &what))) {
		rn_diag_set(reterr, "model '%s': malformed %s", path, what);
		goto out;
	}
	if (ao && !(m.ae = ae_load(ao, m.nfeatures, &m.ae_threshold, &what))) {
		rn_diag_set(reterr, "model '%s': malformed %s", path, what);
		goto out;
	}
	r = 0;
out:
	json_decref(root);
	if (r < 0)
		rn_ml_model_done(&m);
	else
		*ret = m;
	return r;
}
